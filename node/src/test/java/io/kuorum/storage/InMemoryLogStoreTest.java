package io.kuorum.storage;

class InMemoryLogStoreTest extends LogStoreContract {
  @Override
  LogStore store() {
    return new InMemoryLogStore(ID);
  }
}
