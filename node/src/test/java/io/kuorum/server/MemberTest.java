package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemberTest {

  @Test
  void parsesPeerAndClientAddresses() {
    assertThat(Member.parse("1=127.0.0.1:7380/7379")).isEqualTo(new Member(1, "127.0.0.1:7380", "127.0.0.1:7379"));
    assertThat(Member.parse("2=kuorum-1.kuorum-peers.ns.svc:7380"))
        .isEqualTo(new Member(2, "kuorum-1.kuorum-peers.ns.svc:7380", "kuorum-1.kuorum-peers.ns.svc:7379"));
    assertThat(Member.parseList("1=a:1/2, 2=b:3/4")).extracting(Member::id).containsExactly(1L, 2L);
    assertThat(Member.parseList("")).isEmpty();
  }

  @Test
  void rejectsMalformedSpecsWithTheReason() {
    assertThatThrownBy(() -> Member.parse("x=a:1")).hasMessageContaining("id 'x' is not a number");
    assertThatThrownBy(() -> Member.parse("0=a:1")).hasMessageContaining("positive");
    assertThatThrownBy(() -> Member.parse("1=a")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> Member.parse("1=a:99999")).hasMessageContaining("outside 0..65535");
    assertThatThrownBy(() -> Member.parse("a:1")).hasMessageContaining("ID=HOST:PEER_PORT");
    assertThatThrownBy(() -> Member.parseList("1=a:1,1=b:2")).hasMessageContaining("appears twice");
  }
}
