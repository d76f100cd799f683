package io.kuorum.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.SaveSnapshotRequest;
import io.kuorum.admin.proto.SaveSnapshotResponse;
import io.kuorum.admin.proto.SnapshotInfo;
import io.kuorum.snapshot.CorruptSnapshotException;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Saves a backup: finds the leader like any read (redirects, next endpoint, backoff), receives the
 * snapshot it streams into {@code FILE.part}, fsyncs it, verifies it with the snapshot code (CRC32C
 * and structure), and only then renames it to {@code FILE}, so a file under the final name is always a
 * complete, valid snapshot. A failed attempt starts over (a backup changes nothing in the cluster, and
 * a later snapshot still holds every write acknowledged before the first attempt).
 */
final class SnapshotDownload {

  private final ChannelPool channels;
  private final LeaderRouter router;
  private final ClientOptions options;

  SnapshotDownload(ChannelPool channels, LeaderRouter router, ClientOptions options) {
    this.channels = channels;
    this.router = router;
    this.options = options;
  }

  /** The temporary name a download is written under, beside {@code file}. */
  static Path partFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".part");
  }

  SavedSnapshot save(Path file, boolean replace, Duration timeout) {
    if (file.getFileName() == null) throw new IllegalArgumentException("'" + file + "' names no file");
    refuseExisting(file, replace);
    long started = System.nanoTime();
    Path part = partFile(file);
    Deadline deadline = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
    var schedule = new RetrySchedule(router, new Backoff(options.initialBackoff(), options.maxBackoff()));
    String address = router.preferred();
    Optional<StatusRuntimeException> last = Optional.empty();
    String lastAddress = address;
    while (!deadline.isExpired()) {
      SnapshotInfo info;
      try {
        info = receive(address, deadline, part);
      } catch (StatusRuntimeException e) {
        deleteQuietly(part);
        Metadata trailers = e.getTrailers() != null ? e.getTrailers() : new Metadata();
        Failure failure = Failure.classify(e.getStatus(), trailers, true, OpKind.READ);
        if (failure.verdict() == Verdict.REJECTED) throw ClientErrors.rejected(failure.status(), address, e);
        last = Optional.of(e);
        lastAddress = address;
        RetrySchedule.Step step = schedule.next(failure, address);
        address = step.address();
        RetryingCaller.pause(step.pause(), deadline);
        continue;
      }
      router.leaderAt(address);
      verify(part, info, address);
      install(part, file, replace);
      return new SavedSnapshot(file, info.getIndex(), info.getTerm(), info.getSize(), info.getKeys(), info.getLeaderId(),
          info.getClusterId(), Duration.ofNanos(System.nanoTime() - started));
    }
    throw ClientErrors.unavailable(router.endpoints(), timeout, last, lastAddress);
  }

  private static void refuseExisting(Path file, boolean replace) {
    if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory; name the file to save to");
    if (!replace && Files.exists(file)) {
      throw new IllegalArgumentException(file + " already exists; choose another name, or replace it with --force");
    }
  }

  /** One attempt: the whole file into {@code part}, fsynced; the info the leader sent first. */
  private SnapshotInfo receive(String address, Deadline deadline, Path part) {
    ClientCall<SaveSnapshotRequest, SaveSnapshotResponse> call = channels.channel(address)
        .newCall(AdminServiceGrpc.getSaveSnapshotMethod(), CallOptions.DEFAULT.withDeadline(deadline));
    // The blocking iterator asks for one message at a time, so the leader sends no faster than we write.
    Iterator<SaveSnapshotResponse> stream = ClientCalls.blockingServerStreamingCall(call,
        SaveSnapshotRequest.getDefaultInstance());
    boolean complete = false;
    try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      if (!stream.hasNext()) throw protocolError(address, "the stream ended before the snapshot's description");
      SaveSnapshotResponse first = stream.next();
      if (!first.hasInfo()) throw protocolError(address, "the first message does not describe the snapshot");
      SnapshotInfo info = first.getInfo();
      long at = 0;
      while (stream.hasNext()) {
        SaveSnapshotResponse chunk = stream.next();
        if (chunk.getOffset() != at || at + chunk.getData().size() > info.getSize()) {
          throw protocolError(address, "a chunk for bytes " + chunk.getOffset() + ".." + (chunk.getOffset()
              + chunk.getData().size()) + " does not follow the " + at + " bytes received of " + info.getSize());
        }
        ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
        while (data.hasRemaining()) out.write(data);
        at += chunk.getData().size();
      }
      if (at != info.getSize()) {
        throw protocolError(address, "the stream ended after " + at + " of " + info.getSize() + " bytes");
      }
      out.force(true);
      complete = true;
      return info;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the snapshot to " + part + " (" + e.getMessage()
          + "): check that the directory exists, is writable and has room", e);
    } finally {
      if (!complete) {
        // Stops the leader streaming a file nobody reads any more (a no-op once the call ended).
        call.cancel("the client stopped the backup", null);
        deleteQuietly(part);
      }
    }
  }

  /** The received file must verify as a snapshot and be the one the leader described. */
  private static void verify(Path part, SnapshotInfo info, String address) {
    SnapshotMeta meta;
    try {
      meta = SnapshotFile.verify(part).meta();
    } catch (StorageException e) {
      deleteQuietly(part);
      String why = e instanceof CorruptSnapshotException c ? c.reason() : e.getMessage();
      throw new KuorumException(Status.Code.DATA_LOSS, "the snapshot received from " + address
          + " does not verify, so nothing was saved (" + why + "); retry", e);
    }
    if (meta.index() != info.getIndex() || meta.term() != info.getTerm()) {
      deleteQuietly(part);
      throw protocolError(address, "the file holds snapshot " + meta.name() + " but was announced as "
          + info.getIndex() + "@" + info.getTerm());
    }
  }

  private static void install(Path part, Path file, boolean replace) {
    try {
      if (!replace && Files.exists(file)) {
        throw new IllegalArgumentException(file + " appeared while the snapshot was saved; it is left as it was");
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      Path dir = file.toAbsolutePath().getParent();
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true); // the rename itself survives a crash
      } catch (IOException ignored) {
        // some file systems cannot fsync a directory; the rename is still atomic
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename " + part + " to " + file + " (" + e.getMessage() + ")", e);
    } finally {
      deleteQuietly(part);
    }
  }

  private static KuorumException protocolError(String address, String what) {
    return new KuorumException(Status.Code.DATA_LOSS, "the snapshot stream from " + address + " is malformed: " + what
        + "; nothing was saved");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover FILE.part is overwritten by the next attempt
    }
  }
}
