package io.robustcert.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors container: an 8-byte little-endian header length N, N bytes of JSON header
 * ({@code name → {dtype, shape, data_offsets}} plus an optional {@code __metadata__} string map), then
 * the raw little-endian tensor bytes. Reading checks everything a hostile file could get wrong:
 * header length past the end, malformed JSON, unknown dtypes, shapes that disagree with the byte
 * ranges, ranges out of bounds, overlapping or leaving holes.
 *
 * <p>Tensors are returned as float64 values (F32 and F64 convert exactly; F16 and BF16 too).
 */
public final class Safetensors {

    /** Refuse headers above this size (the format's reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor as float64 values in C order with its shape and the dtype it was stored with. */
    public record Tensor(String dtype, long[] shape, double[] values) {
    }

    /** The file's tensors in header order and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private Safetensors() {
    }

    private static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /**
     * Reads a whole file. {@code maxBytes} caps the total size read (the stream is never read past it).
     */
    public static Contents read(InputStream in, long maxBytes) throws ModelFormatException, IOException {
        if (maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("safetensors files are read into memory: the size limit must stay below 2 GiB");
        }
        byte[] lengthBytes = in.readNBytes(8);
        if (lengthBytes.length < 8) {
            throw new ModelFormatException("safetensors file is truncated: " + lengthBytes.length
                    + " bytes, the header length alone takes 8");
        }
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > maxBytes - 8) {
            throw new ModelFormatException("safetensors header length " + Long.toUnsignedString(headerLength)
                    + " is impossible (limit " + Math.min(MAX_HEADER_BYTES, maxBytes - 8) + " bytes)");
        }
        byte[] header = in.readNBytes((int) headerLength);
        if (header.length < headerLength) {
            throw new ModelFormatException("safetensors header length " + headerLength
                    + " runs past the end of the file (" + (8 + header.length) + " bytes)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("safetensors header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals("__metadata__")) {
                readMetadata(field.getValue(), metadata);
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue()));
            }
        }
        long dataLength = entries.stream().mapToLong(e -> e.end).max().orElse(0);
        if (dataLength > maxBytes - 8 - headerLength) {
            throw new ModelFormatException("safetensors data of " + dataLength + " bytes exceeds the limit of "
                    + maxBytes + " bytes for the whole file");
        }
        checkLayout(entries, dataLength);
        byte[] data = in.readNBytes((int) dataLength);
        if (data.length < dataLength) {
            throw new ModelFormatException("safetensors file is truncated: tensor data needs " + dataLength
                    + " bytes, the file has " + data.length);
        }
        if (in.read() != -1) {
            throw new ModelFormatException("safetensors file has bytes after the last tensor's data");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, new Tensor(e.dtype, e.shape, decode(e, data)));
        }
        return new Contents(tensors, metadata);
    }

    private record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    private static void readMetadata(JsonNode node, Map<String, String> metadata) throws ModelFormatException {
        if (!node.isObject()) {
            throw new ModelFormatException("safetensors __metadata__ must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw new ModelFormatException("safetensors __metadata__ value '" + f.getKey() + "' is not a string");
            }
            metadata.put(f.getKey(), f.getValue().asText());
        }
    }

    private static Entry parseEntry(String name, JsonNode node) throws ModelFormatException {
        if (!node.isObject() || !node.path("dtype").isTextual() || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray() || node.path("data_offsets").size() != 2) {
            throw new ModelFormatException("tensor '" + name + "': header entry needs dtype, shape and two data_offsets");
        }
        String dtype = node.get("dtype").asText();
        int size = dtypeSize(dtype);
        if (size < 0) {
            throw new ModelFormatException("tensor '" + name + "': unknown dtype '" + dtype + "'");
        }
        long[] shape = new long[node.get("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get("shape").get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException("tensor '" + name + "': shape entries must be integers ≥ 0");
            }
            shape[i] = d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException overflow) {
                throw new ModelFormatException("tensor '" + name + "': shape " + node.get("shape") + " is too large");
            }
        }
        JsonNode b = node.get("data_offsets").get(0);
        JsonNode e = node.get("data_offsets").get(1);
        if (!b.isIntegralNumber() || !e.isIntegralNumber() || b.asLong() < 0 || e.asLong() < b.asLong()) {
            throw new ModelFormatException("tensor '" + name + "': data_offsets must be integers 0 ≤ begin ≤ end");
        }
        long bytes = e.asLong() - b.asLong();
        if (count > Integer.MAX_VALUE / 8 || bytes != count * size) {
            throw new ModelFormatException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape) + " of "
                    + dtype + " needs " + count * size + " bytes, data_offsets give " + bytes);
        }
        return new Entry(name, dtype, shape, b.asLong(), e.asLong());
    }

    /** Byte ranges must tile [0, dataLength) exactly: no overlap, no hole. */
    private static void checkLayout(List<Entry> entries, long dataLength) throws ModelFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((x, y) -> Long.compare(x.begin, y.begin));
        long next = 0;
        for (Entry e : sorted) {
            if (e.begin < next) {
                throw new ModelFormatException("tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end
                        + ") overlap another tensor");
            }
            if (e.begin > next) {
                throw new ModelFormatException("tensor '" + e.name + "': data_offsets leave a hole at bytes ["
                        + next + ", " + e.begin + ")");
            }
            next = e.end;
        }
        if (next != dataLength) {
            throw new ModelFormatException("safetensors data ranges do not cover the data");
        }
    }

    private static double[] decode(Entry e, byte[] data) throws ModelFormatException {
        int count = (int) ((e.end - e.begin) / dtypeSize(e.dtype));
        ByteBuffer buf = ByteBuffer.wrap(data, (int) e.begin, (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[count];
        switch (e.dtype) {
            case "F32" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = buf.getFloat();
                }
            }
            case "F64" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = buf.getDouble();
                }
            }
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(buf.getShort());
                }
            }
            case "BF16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
            }
            default -> throw new ModelFormatException("tensor '" + e.name + "': dtype " + e.dtype
                    + " is not a floating-point type; model weights must be F32, F64, F16 or BF16");
        }
        return out;
    }

    /** IEEE binary16 to float, exactly (Float.float16ToFloat arrived after Java 17). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = bits >>> 15 == 0 ? 1 : -1;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            return sign * mantissa * 0x1p-24f;
        }
        if (exponent == 31) {
            return mantissa == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return Float.intBitsToFloat(((bits >>> 15) << 31) | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Writes float32 tensors (values must be float32-representable to round-trip exactly) and metadata. */
    public static void writeF32(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            double[] values = t.getValue().values();
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                buf.putFloat((float) v);
            }
            ObjectNode entry = header.putObject(t.getKey());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (long d : t.getValue().shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + values.length * 4L);
            offset += values.length * 4L;
            data.write(buf.array());
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] h = java.util.Arrays.copyOf(headerBytes, padded);
        java.util.Arrays.fill(h, headerBytes.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(h);
        data.writeTo(out);
        out.flush();
    }
}
