package io.kuorum.client;

/** Reads may be repeated freely; writes only when the server cannot have applied them. */
enum OpKind {
  READ,
  WRITE
}
