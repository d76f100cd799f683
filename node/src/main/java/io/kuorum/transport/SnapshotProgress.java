package io.kuorum.transport;

/**
 * Where an outbound snapshot transfer stands.
 *
 * @param index last index the snapshot covers
 * @param snapshotTerm term of that entry
 * @param size total bytes (0 until the source was opened)
 * @param offset the next byte to send in the current call
 * @param calls calls made so far
 * @param awaitingReceiver the current call has data to send but HTTP/2 flow control holds it back:
 *     the receiver (its disk, or the network) sets the pace
 */
public record SnapshotProgress(long index, long snapshotTerm, long size, long offset, int calls, boolean awaitingReceiver) {}
