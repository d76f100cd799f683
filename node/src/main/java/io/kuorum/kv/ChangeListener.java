package io.kuorum.kv;

/**
 * Hears what the state machine does, on the apply thread, in log order. It is told about changes
 * themselves, not about answers: a retried write answered from a cache changes nothing and is not
 * reported. Implementations must return quickly and never block: the apply path waits for them.
 */
public interface ChangeListener {

  /** Listens to nothing. */
  ChangeListener NONE = new ChangeListener() {
    @Override
    public void changed(Change change) {}

    @Override
    public void applied(long index) {}

    @Override
    public void restored(long index) {}
  };

  /** A key changed; called before {@link #applied} of the same index. */
  void changed(Change change);

  /** Every entry up to {@code index} is applied, whether or not it changed anything. */
  void applied(long index);

  /** The whole state was replaced by a snapshot at {@code index}: the changes up to it are not known one by one. */
  void restored(long index);
}
