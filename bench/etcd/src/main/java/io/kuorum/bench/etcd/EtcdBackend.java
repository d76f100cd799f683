package io.kuorum.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.kuorum.bench.Backend;
import io.kuorum.bench.ReadLevel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An etcd connection: one jetcd {@link Client} (its own gRPC channel), with the builder's defaults
 * (pick_first over the endpoints given, in order; jetcd retries what it deems safe to retry). A put is
 * {@code kv.put(key, value).get()}; a get is linearizable by default, or serializable with
 * {@code GetOption.withSerializable(true)}.
 */
final class EtcdBackend implements Backend {

  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

  private final Client client;
  private final KV kv;

  EtcdBackend(Client client) {
    this.client = client;
    this.kv = client.getKVClient();
  }

  @Override
  public void put(byte[] key, byte[] value) {
    await(kv.put(ByteSequence.from(key), ByteSequence.from(value)));
  }

  @Override
  public void get(byte[] key, ReadLevel level) {
    await(kv.get(ByteSequence.from(key), level == ReadLevel.SERIALIZABLE ? SERIALIZABLE : GetOption.DEFAULT));
  }

  @Override
  public void close() {
    client.close();
  }

  /** The future's value; its failure as an unchecked exception. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
