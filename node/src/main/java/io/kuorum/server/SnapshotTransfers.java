package io.kuorum.server;

import io.kuorum.raft.Snapshot;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotName;
import io.kuorum.snapshot.SnapshotStaging;
import io.kuorum.transport.SnapshotHeader;
import io.kuorum.transport.SnapshotSink;
import io.kuorum.transport.SnapshotSource;
import io.kuorum.transport.SnapshotSources;
import io.kuorum.transport.StagedSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connects the peer transport's snapshot streaming to this node's snapshot directory: a leader reads
 * the file a core {@link Snapshot} names; a follower stages the chunks it receives (a broken transfer
 * resumes into the same staging file) and installs the verified file under its name.
 */
final class SnapshotTransfers implements SnapshotSources, SnapshotSink {

  private final SnapshotDirectory directory;
  private final Map<SnapshotHeader.Key, Staged> partial = new ConcurrentHashMap<>();

  SnapshotTransfers(SnapshotDirectory directory) {
    this.directory = directory;
  }

  @Override
  public Optional<SnapshotSource> open(Snapshot snapshot) {
    SnapshotFile file;
    try {
      file = directory.verify(SnapshotReference.nameOf(snapshot));
    } catch (RuntimeException gone) {
      return Optional.empty(); // replaced by a newer one meanwhile; the core will send that instead
    }
    return Optional.of(new SnapshotSource() {
      @Override
      public long size() {
        return file.size();
      }

      @Override
      public InputStream openAt(long offset) {
        return file.openFile(offset);
      }
    });
  }

  @Override
  public StagedSnapshot begin(SnapshotHeader header) {
    Staged resumed = partial.get(header.key());
    if (resumed != null) return resumed;
    Staged fresh = new Staged(header, directory.stage());
    partial.put(header.key(), fresh);
    return fresh;
  }

  /** One snapshot being received; kept across broken calls until it completes or is given up. */
  private final class Staged implements StagedSnapshot {
    private final SnapshotHeader header;
    private final SnapshotStaging staging;

    Staged(SnapshotHeader header, SnapshotStaging staging) {
      this.header = header;
      this.staging = staging;
    }

    @Override
    public long held() {
      return staging.length();
    }

    @Override
    public void write(long offset, ByteBuffer data) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      staging.append(offset, chunk);
    }

    @Override
    public byte[] complete() throws IOException {
      partial.remove(header.key());
      SnapshotFile installed = staging.install(new SnapshotName(header.index(), header.snapshotTerm()));
      return SnapshotReference.data(installed.name());
    }

    @Override
    public void abort() {
      partial.remove(header.key());
      staging.close();
    }

    @Override
    public void suspend() {
      // Keep the staged bytes for the sender's next call, which resumes from held().
    }
  }
}
