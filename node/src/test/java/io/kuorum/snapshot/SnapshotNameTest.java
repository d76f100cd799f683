package io.kuorum.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotNameTest {

  @Test
  void theFileNamePadsTheIndexToTwentyDigitsAndParsesBack() {
    SnapshotName name = new SnapshotName(42, 7);
    assertThat(name.fileName()).isEqualTo("snap-00000000000000000042-7.snap");
    assertThat(SnapshotName.parse(name.fileName())).contains(name);
    SnapshotName max = new SnapshotName(Long.MAX_VALUE, Long.MAX_VALUE);
    assertThat(SnapshotName.parse(max.fileName())).contains(max);
  }

  @Test
  void onlyCanonicalNamesAreSnapshots() {
    for (String other : List.of("snap-42-7.snap", "snap-00000000000000000042-07.snap", "snap-00000000000000000000-1.snap",
        "snap-00000000000000000042-0.snap", "snap-00000000000000000042-7.snap.tmp", "snap-00000000000000000042-7.snap.x.tmp",
        "snap-99999999999999999999-1.snap", "snap-00000000000000000042-99999999999999999999.snap", "kuorum.lock", "")) {
      assertThat(SnapshotName.parse(other)).as(other).isEmpty();
    }
  }

  @Test
  void newestFirstOrdersByIndexThenTerm() {
    List<SnapshotName> names = new ArrayList<>(List.of(new SnapshotName(9, 2), new SnapshotName(100, 3),
        new SnapshotName(10, 2), new SnapshotName(100, 4)));
    names.sort(SnapshotName.NEWEST_FIRST);
    assertThat(names).containsExactly(new SnapshotName(100, 4), new SnapshotName(100, 3), new SnapshotName(10, 2),
        new SnapshotName(9, 2));
  }

  @Test
  void aSnapshotCoversAnIndexAndTermOfAtLeastOne() {
    assertThatThrownBy(() -> new SnapshotName(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SnapshotName(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
