package io.robustcert.core.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads a dataset split from a {@link DatasetSource}, hashing each file while it is parsed and checking
 * it against the catalog's published checksums.
 *
 * <p>Accepted local forms: the published file itself ({@code .gz}, {@code .tar.gz}, {@code .mat}); for a
 * published {@code .gz} IDX file also its uncompressed copy (the name without {@code .gz}); for CIFAR-10
 * also the extracted {@code .bin} files, under {@code cifar-10-batches-bin/} or directly.
 *
 * <p>{@link Verification#STRICT}: a file in its published form must match one of its published
 * checksums, an uncompressed copy must match a published checksum of the content where one exists; a
 * form with no published checksum is accepted on its structure (recorded as
 * {@link SourceDigest.Status#STRUCTURE_ONLY}). {@link Verification#OFF}: structure only (for fixtures
 * and private copies), recorded as {@link SourceDigest.Status#NOT_CHECKED}.
 *
 * <p>Unless made with {@code officialSizes = false} (for small fixtures), a split must also hold its
 * official number of examples (and each CIFAR-10 batch file 10 000 records).
 */
public final class DatasetLoader {

    public enum Verification { STRICT, OFF }

    private static final String CIFAR_DIR = "cifar-10-batches-bin/";

    private final DatasetCatalog catalog;
    private final boolean officialSizes;

    /** A loader that requires the official split sizes. */
    public DatasetLoader(DatasetCatalog catalog) {
        this(catalog, true);
    }

    /** @param officialSizes whether a split must hold its official number of examples */
    public DatasetLoader(DatasetCatalog catalog, boolean officialSizes) {
        this.catalog = catalog;
        this.officialSizes = officialSizes;
    }

    /** Loads {@code ref}'s split (then its first {@code limit} examples). */
    public Dataset load(DatasetRef ref, DatasetSource source, Verification verification)
            throws IOException, DatasetFormatException {
        DatasetKind kind = ref.kind();
        String name = ref.splitName();
        List<SourceDigest> sources = new ArrayList<>();
        List<CatalogFile> files = catalog.filesFor(kind, ref.split());
        Dataset d = switch (kind) {
            case MNIST, FASHION_MNIST -> loadIdx(name, kind, files.get(0), files.get(1), source, verification, sources);
            case CIFAR10 -> loadCifar(name, ref.split(), files.get(0), source, verification, sources);
            case SVHN -> loadSvhn(name, files.get(0), source, verification, sources);
        };
        if (d.channels() != kind.channels() || d.height() != kind.height() || d.width() != kind.width()) {
            throw new DatasetFormatException(name + ": images are " + d.channels() + "x" + d.height() + "x" + d.width()
                    + ", expected " + kind.channels() + "x" + kind.height() + "x" + kind.width());
        }
        if (officialSizes && d.size() != kind.size(ref.split())) {
            throw new DatasetFormatException(name + ": holds " + d.size() + " examples, the official split has "
                    + kind.size(ref.split()));
        }
        if (ref.hasLimit()) {
            if (ref.limit() > d.size()) {
                throw new DatasetFormatException(ref + ": asks for " + ref.limit() + " examples, " + name + " holds "
                        + d.size());
            }
            d = d.head(ref.limit());
        }
        return d;
    }

    private Dataset loadIdx(String name, DatasetKind kind, CatalogFile imagesFile, CatalogFile labelsFile,
            DatasetSource source, Verification v, List<SourceDigest> sources) throws IOException, DatasetFormatException {
        try (Opened images = open(imagesFile, source); Opened labels = open(labelsFile, source)) {
            IdxReader.IdxArray img = IdxReader.readImages(images.content(), images.label());
            IdxReader.IdxArray lab = IdxReader.readLabels(labels.content(), labels.label(), kind.classes());
            sources.add(images.finish(v));
            sources.add(labels.finish(v));
            if (img.dims()[0] != lab.dims()[0]) {
                throw new DatasetFormatException(name + ": " + images.label() + " holds " + img.dims()[0]
                        + " images but " + labels.label() + " holds " + lab.dims()[0] + " labels");
            }
            return new Dataset(name, 1, img.dims()[1], img.dims()[2], kind.classes(), img.data(), lab.data(), sources);
        }
    }

    private Dataset loadCifar(String name, String split, CatalogFile archive, DatasetSource source, Verification v,
            List<SourceDigest> sources) throws IOException, DatasetFormatException {
        int expected = officialSizes ? Cifar10Reader.RECORDS_PER_BATCH : -1;
        InputStream in = source.open(archive.fileName());
        if (in != null) {
            try (Opened a = new Opened(archive, archive.fileName(), source.describe(archive.fileName()), in, false)) {
                Dataset d = Cifar10Reader.readArchive(name, a.content(), a.label(), split, expected, List.of());
                sources.add(a.finish(v));
                return d.withSources(sources);
            }
        }
        List<Cifar10Reader.Batch> batches = new ArrayList<>();
        for (String member : Cifar10Reader.batchFiles(split)) {
            String found = null;
            for (String candidate : List.of(CIFAR_DIR + member, member)) {
                in = source.open(candidate);
                if (in != null) {
                    found = candidate;
                    break;
                }
            }
            if (found == null) {
                throw new FileNotFoundException(name + ": found neither " + source.describe(archive.fileName())
                        + " nor " + source.describe(CIFAR_DIR + member) + " (nor " + member + " beside it)");
            }
            try (DigestingInputStream d = new DigestingInputStream(in, Checksum.SHA256)) {
                batches.add(Cifar10Reader.readBatch(d, source.describe(found), expected));
                d.drain();
                sources.add(new SourceDigest(found, d.count(), d.hex(Checksum.SHA256),
                        v == Verification.OFF ? SourceDigest.Status.NOT_CHECKED : SourceDigest.Status.STRUCTURE_ONLY,
                        v == Verification.OFF ? "checksums switched off" : archive.note()));
            }
        }
        return Cifar10Reader.combine(name, batches, sources);
    }

    private Dataset loadSvhn(String name, CatalogFile file, DatasetSource source, Verification v,
            List<SourceDigest> sources) throws IOException, DatasetFormatException {
        InputStream in = source.open(file.fileName());
        if (in == null) {
            throw new FileNotFoundException(name + ": " + source.describe(file.fileName()) + " not found");
        }
        try (Opened f = new Opened(file, file.fileName(), source.describe(file.fileName()), in, false)) {
            Dataset d = SvhnReader.read(name, f.content(), f.label(), List.of());
            sources.add(f.finish(v));
            return d.withSources(sources);
        }
    }

    /** Opens the published {@code .gz} IDX file or else its uncompressed copy. */
    private static Opened open(CatalogFile f, DatasetSource source) throws IOException {
        InputStream in = source.open(f.fileName());
        if (in != null) {
            return new Opened(f, f.fileName(), source.describe(f.fileName()), in, true);
        }
        in = source.open(f.uncompressedName());
        if (in != null) {
            return new Opened(f, f.uncompressedName(), source.describe(f.uncompressedName()), in, true);
        }
        throw new FileNotFoundException(f.dataset().id() + ": found neither " + source.describe(f.fileName()) + " nor "
                + source.describe(f.uncompressedName()));
    }

    /** A file being read: the digests of its bytes and, when gzipped, of its decompressed content. */
    private static final class Opened implements AutoCloseable {
        private final CatalogFile entry;
        private final String name;
        private final String label;
        private final DigestingInputStream outer;
        private final DigestingInputStream inner; // null when the file is not gzipped
        private final InputStream content;

        Opened(CatalogFile entry, String name, String label, InputStream raw, boolean decompress) throws IOException {
            this.entry = entry;
            this.name = name;
            this.label = label;
            this.outer = new DigestingInputStream(raw, Checksum.MD5, Checksum.SHA256);
            InputStream m = Gzip.markable(outer);
            if (decompress && Gzip.isGzip(m)) {
                inner = new DigestingInputStream(new GZIPInputStream(m, 1 << 16), Checksum.MD5, Checksum.SHA256);
                content = inner;
            } else {
                inner = null;
                content = m;
            }
        }

        String label() {
            return label;
        }

        InputStream content() {
            return content;
        }

        /** Reads to the end and checks the digests. */
        SourceDigest finish(Verification v) throws IOException, DatasetFormatException {
            try {
                if (inner != null) {
                    inner.drain();
                }
                content.transferTo(java.io.OutputStream.nullOutputStream());
                outer.drain();
            } catch (java.io.EOFException | java.util.zip.ZipException e) {
                throw Gzip.ifCorrupt(e, label);
            }
            String sha = outer.hex(Checksum.SHA256);
            if (v == Verification.OFF) {
                return new SourceDigest(name, outer.count(), sha, SourceDigest.Status.NOT_CHECKED,
                        "checksums switched off");
            }
            for (Checksum c : entry.checksums()) {
                if (outer.hex(c.algorithm()).equals(c.hex())) {
                    return new SourceDigest(name, outer.count(), sha, SourceDigest.Status.VERIFIED,
                            c.label() + " matches " + c.source());
                }
            }
            boolean compressedCopy = inner != null;
            DigestingInputStream contentDigest = compressedCopy ? inner : outer;
            if (entry.gzipped()) {
                for (Checksum c : entry.contentChecksums()) {
                    if (contentDigest.hex(c.algorithm()).equals(c.hex())) {
                        return new SourceDigest(name, outer.count(), sha, SourceDigest.Status.VERIFIED,
                                (compressedCopy ? "decompressed content " : "") + c.label() + " matches " + c.source());
                    }
                }
            }
            boolean publishedForm = compressedCopy || !entry.gzipped();
            List<Checksum> applicable = publishedForm ? entry.checksums() : entry.contentChecksums();
            if (publishedForm && entry.gzipped() && !entry.contentChecksums().isEmpty()) {
                applicable = new ArrayList<>(applicable);
                applicable.addAll(entry.contentChecksums());
            }
            if (!applicable.isEmpty()) {
                StringBuilder m = new StringBuilder();
                m.append(label).append(": checksum mismatch: the file has md5 ").append(outer.hex(Checksum.MD5))
                        .append(", sha256 ").append(sha);
                if (compressedCopy) {
                    m.append(" (decompressed: sha256 ").append(inner.hex(Checksum.SHA256)).append(')');
                }
                m.append("; the published checksum").append(applicable.size() > 1 ? "s are " : " is ");
                for (int i = 0; i < applicable.size(); i++) {
                    m.append(i == 0 ? "" : ", ").append(applicable.get(i));
                }
                m.append(". The file is damaged or not the official one: delete it and download it again");
                throw new ChecksumMismatchException(m.toString());
            }
            return new SourceDigest(name, outer.count(), sha, SourceDigest.Status.STRUCTURE_ONLY, entry.note());
        }

        @Override
        public void close() throws IOException {
            outer.close();
        }
    }
}
