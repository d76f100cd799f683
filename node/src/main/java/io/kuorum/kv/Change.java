package io.kuorum.kv;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.KeyValue;

/**
 * One change the state machine made to one key, at the revision (log index) of the command that made
 * it. Immutable, so the apply thread can hand it to any other thread.
 */
public sealed interface Change permits Change.Put, Change.Delete {

  ByteString key();

  long revision();

  /** A put or a successful compare-and-set: the key now holds {@code kv} (its revision included). */
  record Put(KeyValue kv) implements Change {
    @Override
    public ByteString key() {
      return kv.getKey();
    }

    @Override
    public long revision() {
      return kv.getRevision();
    }
  }

  /** A delete of a key that was present. */
  record Delete(ByteString key, long revision) implements Change {}
}
