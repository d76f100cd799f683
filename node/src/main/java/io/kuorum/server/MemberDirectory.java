package io.kuorum.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kuorum.server.proto.MemberAddress;
import io.kuorum.server.proto.MemberAddresses;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where each member of the cluster is reached, by id. Configuration entries carry it (encoded as their
 * context), so every node learns a new member's addresses from the log that adds it. Immutable.
 */
public final class MemberDirectory {

  private final SortedMap<Long, Member> members;

  private MemberDirectory(SortedMap<Long, Member> members) {
    this.members = Collections.unmodifiableSortedMap(members);
  }

  public static MemberDirectory of(Collection<Member> members) {
    TreeMap<Long, Member> byId = new TreeMap<>();
    members.forEach(m -> byId.put(m.id(), m));
    return new MemberDirectory(byId);
  }

  /** Decodes a configuration entry's context; a context that does not decode is a corrupt log. */
  public static MemberDirectory decode(byte[] context) {
    try {
      TreeMap<Long, Member> byId = new TreeMap<>();
      for (MemberAddress a : MemberAddresses.parseFrom(context).getMembersList()) {
        byId.put(a.getId(), new Member(a.getId(), a.getPeerAddress(), a.getClientAddress()));
      }
      return new MemberDirectory(byId);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a configuration entry in the log carries member addresses that do not decode: " + e.getMessage(), e);
    }
  }

  public byte[] encode() {
    MemberAddresses.Builder b = MemberAddresses.newBuilder();
    members.values().forEach(m -> b.addMembers(MemberAddress.newBuilder().setId(m.id()).setPeerAddress(m.peerAddress())
        .setClientAddress(m.clientAddress())));
    return b.build().toByteArray();
  }

  /** This directory with {@code member} added or its addresses replaced. */
  public MemberDirectory with(Member member) {
    TreeMap<Long, Member> next = new TreeMap<>(members);
    next.put(member.id(), member);
    return new MemberDirectory(next);
  }

  /** Only the given members (a configuration's), so departed members' addresses are forgotten. */
  public MemberDirectory retain(Set<Long> ids) {
    TreeMap<Long, Member> next = new TreeMap<>(members);
    next.keySet().retainAll(ids);
    return new MemberDirectory(next);
  }

  /** This directory, plus the entries of {@code fallback} for ids it does not know. */
  public MemberDirectory withFallback(MemberDirectory fallback) {
    TreeMap<Long, Member> next = new TreeMap<>(fallback.members);
    next.putAll(members);
    return new MemberDirectory(next);
  }

  public Optional<Member> member(long id) {
    return Optional.ofNullable(members.get(id));
  }

  public Collection<Member> members() {
    return members.values();
  }

  /** Peer addresses of everyone but {@code self}, for the transport. */
  public Map<Long, String> peersOf(long self) {
    TreeMap<Long, String> out = new TreeMap<>();
    members.values().stream().filter(m -> m.id() != self).forEach(m -> out.put(m.id(), m.peerAddress()));
    return out;
  }

  @Override
  public String toString() {
    return members.values().toString();
  }
}
