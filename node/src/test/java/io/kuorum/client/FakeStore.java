package io.kuorum.client;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KeyValue;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated state the fake nodes share: a sorted map whose revision counts applied writes, so
 * a test can tell how many times a write was applied.
 */
public final class FakeStore {
  private final TreeMap<ByteString, KeyValue> data =
      new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private long revision;
  private int appliedWrites;

  public synchronized PutResponse put(PutRequest request) {
    long rev = write();
    data.put(request.getKey(), kv(request.getKey(), request.getValue(), rev));
    return PutResponse.newBuilder().setRevision(rev).build();
  }

  public synchronized GetResponse get(GetRequest request) {
    KeyValue kv = data.get(request.getKey());
    var response = GetResponse.newBuilder().setRevision(revision).setFound(kv != null);
    if (kv != null) {
      response.setKv(kv);
    }
    return response.build();
  }

  public synchronized DeleteResponse delete(DeleteRequest request) {
    long rev = write();
    boolean deleted = data.remove(request.getKey()) != null;
    return DeleteResponse.newBuilder().setDeleted(deleted).setRevision(rev).build();
  }

  public synchronized CompareAndSetResponse compareAndSet(CompareAndSetRequest request) {
    long rev = write();
    KeyValue current = data.get(request.getKey());
    boolean matches =
        request.getExpectPresent()
            ? current != null && current.getValue().equals(request.getExpectedValue())
            : current == null;
    if (matches) {
      data.put(request.getKey(), kv(request.getKey(), request.getNewValue(), rev));
    }
    var response = CompareAndSetResponse.newBuilder().setSucceeded(matches).setRevision(rev);
    if (current != null) {
      response.setWasPresent(true).setPreviousValue(current.getValue());
    }
    return response.build();
  }

  public synchronized RangeResponse range(RangeRequest request) {
    int limit = request.getLimit() == 0 ? 10_000 : request.getLimit();
    var response = RangeResponse.newBuilder().setRevision(revision);
    for (Map.Entry<ByteString, KeyValue> e : data.tailMap(request.getPrefix()).entrySet()) {
      if (!e.getKey().startsWith(request.getPrefix())) {
        break;
      }
      if (response.getKvsCount() == limit) {
        response.setMore(true);
        break;
      }
      response.addKvs(e.getValue());
    }
    return response.build();
  }

  /** How many writes (put, delete, compare-and-set) were applied. */
  public synchronized int appliedWrites() {
    return appliedWrites;
  }

  private long write() {
    appliedWrites++;
    return ++revision;
  }

  private static KeyValue kv(ByteString key, ByteString value, long revision) {
    return KeyValue.newBuilder().setKey(key).setValue(value).setRevision(revision).build();
  }
}
