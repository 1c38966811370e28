package io.robustcert.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sources;

/**
 * Reads SVHN "cropped digits" (format 2: {@code train_32x32.mat}, {@code test_32x32.mat}), MATLAB v5
 * files read with the HEBI MAT file library.
 *
 * <p>{@code X} is a 32×32×3×N uint8 array (row, column, channel, example; MATLAB's column-major
 * order), {@code y} an N×1 numeric array of labels 1…10 where 10 stands for the digit 0: label 10 is
 * mapped to 0, every other label to itself.
 */
public final class SvhnReader {

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int CLASSES = 10;

    private SvhnReader() {}

    public static Dataset read(String name, InputStream in, String file, List<SourceDigest> sources)
            throws IOException, DatasetFormatException {
        Mat5File mat;
        try {
            mat = Mat5.newReader(Sources.wrapInputStream(SourceErrors.tag(in))).readMat();
        } catch (IOException | RuntimeException e) {
            throw SourceErrors.classify(e, file, "a readable MATLAB v5 file");
        }
        try (mat) {
            Matrix x = matrix(mat, "X", file);
            Matrix y = matrix(mat, "y", file);
            int[] xd = x.getDimensions();
            int n;
            if (xd.length == 4 && xd[0] == SIDE && xd[1] == SIDE && xd[2] == CHANNELS) {
                n = xd[3];
            } else if (xd.length == 3 && xd[0] == SIDE && xd[1] == SIDE && xd[2] == CHANNELS) {
                n = 1; // MATLAB drops a trailing singleton dimension
            } else {
                throw new DatasetFormatException(file + ": X has dimensions " + Arrays.toString(xd)
                        + ", expected [32, 32, 3, N]");
            }
            if (x.getType() != MatlabType.UInt8 || x.isComplex() || x.isLogical()) {
                throw new DatasetFormatException(file + ": X is " + x.getType() + (x.isComplex() ? " complex" : "")
                        + ", expected uint8");
            }
            int[] yd = y.getDimensions();
            if (yd.length != 2 || (yd[1] != 1 && yd[0] != 1)) {
                throw new DatasetFormatException(file + ": y has dimensions " + Arrays.toString(yd)
                        + ", expected [N, 1]");
            }
            if (y.getNumElements() != n) {
                throw new DatasetFormatException(file + ": X holds " + n + " images but y holds "
                        + y.getNumElements() + " labels");
            }
            if (n == 0) {
                throw new DatasetFormatException(file + ": holds no examples");
            }
            if (y.isComplex() || !numeric(y.getType())) {
                throw new DatasetFormatException(file + ": y is " + y.getType() + ", expected a real numeric array");
            }
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                double v = y.getDouble(i);
                if (v != Math.rint(v) || v < 1 || v > 10) {
                    throw new DatasetFormatException(file + ": y(" + (i + 1) + ") is " + v
                            + ", expected a digit label 1..10 (10 = digit 0)");
                }
                labels[i] = (byte) ((int) v % 10);
            }
            int plane = SIDE * SIDE;
            int len = CHANNELS * plane;
            byte[] pixels = new byte[Math.multiplyExact(n, len)];
            for (int e = 0; e < n; e++) {
                for (int c = 0; c < CHANNELS; c++) {
                    int base = e * len + c * plane;
                    for (int col = 0; col < SIDE; col++) {
                        int src = base + col * SIDE; // column-major: row index varies fastest
                        for (int row = 0; row < SIDE; row++) {
                            pixels[base + row * SIDE + col] = x.getByte(src + row);
                        }
                    }
                }
            }
            return new Dataset(name, CHANNELS, SIDE, SIDE, CLASSES, pixels, labels, sources);
        }
    }

    private static Matrix matrix(MatFile mat, String var, String file) throws DatasetFormatException {
        List<String> names = new ArrayList<>();
        Array found = null;
        for (MatFile.Entry e : mat.getEntries()) {
            names.add(e.getName());
            if (e.getName().equals(var) && found == null) {
                found = e.getValue();
            }
        }
        if (found == null) {
            throw new DatasetFormatException(file + ": has no variable '" + var + "' (variables: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        if (!(found instanceof Matrix m)) {
            throw new DatasetFormatException(file + ": variable '" + var + "' is a " + found.getType()
                    + ", not a numeric array");
        }
        return m;
    }

    private static boolean numeric(MatlabType t) {
        return switch (t) {
            case Double, Single, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64 -> true;
            default -> false;
        };
    }
}
