package io.robustcert.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetRefTest {

    @Test
    void parsesNameSplitAndLimit() {
        DatasetRef r = DatasetRef.parse("mnist:test:100");
        assertEquals("mnist", r.name());
        assertEquals(DatasetKind.MNIST, r.kind());
        assertEquals("test", r.split());
        assertEquals(100, r.limit());
        assertTrue(r.hasLimit());
        assertEquals("mnist:test:100", r.toString());

        DatasetRef all = DatasetRef.parse("CIFAR-10:train");
        assertEquals(DatasetKind.CIFAR10, all.kind());
        assertFalse(all.hasLimit());
        assertEquals("cifar10:train", all.toString());
        assertEquals(DatasetKind.FASHION_MNIST, DatasetRef.parse("fashion_mnist:test").kind());
        assertEquals(26_032, DatasetRef.parse("svhn:test:26032").limit());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty dataset reference",
        "mnist|must be NAME:SPLIT[:N]",
        "mnist:test:1:2|must be NAME:SPLIT[:N]",
        "imagenet:test|unknown dataset 'imagenet': expected one of mnist, fashion-mnist, cifar10, svhn",
        "mnist:valid|unknown split 'valid', expected train or test",
        "mnist:test:0|at least 1",
        "mnist:test:-5|-5' is not a number of examples",
        "mnist:test:ten|ten' is not a number of examples",
        "mnist:test:10001|mnist test has 10000 examples, not 10001",
        "mnist:test:99999999999|too many",
    })
    void refusesWithAClearMessage(String text, String expected) {
        String m = assertThrows(IllegalArgumentException.class, () -> DatasetRef.parse(text)).getMessage();
        assertTrue(m.contains(expected), m);
    }
}
