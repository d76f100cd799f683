package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.List;

/**
 * A node's durable Raft state: the log, the hard state (term, vote, commit) and the store's
 * identity. Writes are atomic and durable when {@link #write} returns; several Ready batches are
 * written with one commit (group commit). Not thread-safe: one storage thread owns it.
 */
public interface LogStore extends AutoCloseable {

  StoreIdentity identity();

  HardState hardState();

  /** Index of the first stored entry; {@code lastIndex() + 1} when the log is empty. */
  long firstIndex();

  /** Index of the last stored entry; {@code firstIndex() - 1} when the log is empty. */
  long lastIndex();

  /**
   * Term of the entry at {@code index}, for {@code index} in [firstIndex - 1, lastIndex]: at
   * {@code firstIndex - 1} it is the term of the last compacted entry (0 before any compaction), which
   * the consistency check of the first AppendEntries after a compaction needs (§5.3, §7).
   */
  long term(long index);

  /**
   * Stored entries with indexes in [from, to]; both must lie within [firstIndex, lastIndex], except
   * that {@code from == to + 1} within those bounds is an empty range (so
   * {@code entries(firstIndex(), lastIndex())} reads a whole log, even an empty one).
   */
  List<Entry> entries(long from, long to);

  /**
   * Applies the batches in order (each: set the hard state, drop stored entries at or after the
   * first new entry, append the new entries) and makes all of it durable in one commit. Either all
   * of it survives a crash or none of it does. A write that would break the log's invariants (a gap,
   * decreasing terms, replacing a committed or compacted entry, a commit index beyond the log, an entry
   * term above the hard state's term, a term or commit index going back, a second vote in one term)
   * is refused with {@link IllegalArgumentException} before anything is written.
   */
  void write(List<LogWrite> batches);

  /**
   * Drops every entry up to and including {@code index}, in one transaction (after a snapshot), and
   * remembers the term of {@code index} (see {@link #term}). Compacting at or below
   * {@code firstIndex() - 1} does nothing; beyond {@code lastIndex()} it is refused.
   */
  void compactPrefix(long index);

  /**
   * After installing a snapshot that ends at (index, term), the log continues right after it: entries
   * after {@code index} are kept if the stored entry at {@code index} has {@code term} (they agree with
   * the snapshot, Raft Figure 13 rule 6), otherwise every entry is dropped (rule 7). One transaction.
   * Does nothing if the log is already compacted past {@code index}; refused if it would drop entries
   * at or below the stored commit index that the snapshot does not cover.
   */
  void continueAfterSnapshot(long index, long term);

  @Override
  void close();
}
