package io.robustcert.k8s.kustomize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageOverrideTest {
  @Test
  void newNameKeepsTheTagWhenNoNewTagIsGiven() {
    ImageOverride o = new ImageOverride("app", "reg.io/app", null, null);
    assertEquals("reg.io/app:1.0", o.rewrite("app:1.0"));
    assertEquals("reg.io/app@sha256:ab", o.rewrite("app@sha256:ab"));
    assertEquals("reg.io/app", o.rewrite("app"));
  }

  @Test
  void newTagReplacesTagAndDigest() {
    ImageOverride o = new ImageOverride("app", null, "2.0", null);
    assertEquals("app:2.0", o.rewrite("app:1.0"));
    assertEquals("app:2.0", o.rewrite("app:1.0@sha256:ab"));
  }

  @Test
  void digestWinsOverTheTag() {
    assertEquals("app@sha256:cd", new ImageOverride("app", null, "2.0", "sha256:cd").rewrite("app:1.0"));
  }

  @Test
  void aRegistryPortIsPartOfTheNameNotATag() {
    ImageOverride o = new ImageOverride("host:5000/app", null, "2.0", null);
    assertEquals("host:5000/app:2.0", o.rewrite("host:5000/app:1.0"));
    assertEquals("host:5000/app:2.0", o.rewrite("host:5000/app"));
  }

  @Test
  void otherImagesAreLeftAlone() {
    ImageOverride o = new ImageOverride("app", "x", "2.0", null);
    assertNull(o.rewrite("application:1.0"));
    assertNull(o.rewrite("other/app:1.0"));
  }
}
