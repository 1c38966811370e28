package io.robustcert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/** A safetensors file taken apart into header JSON and data bytes, to build malformed variants. */
final class SafetensorsBytes {

    final ObjectNode header;
    final byte[] data;

    private SafetensorsBytes(ObjectNode header, byte[] data) {
        this.header = header;
        this.data = data;
    }

    static SafetensorsBytes parse(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        try {
            ObjectNode header = (ObjectNode) Cli.JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
            return new SafetensorsBytes(header, Arrays.copyOfRange(file, 8 + (int) n, file.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SafetensorsBytes copy() {
        return new SafetensorsBytes(header.deepCopy(), data.clone());
    }

    ObjectNode entry(String name) {
        return (ObjectNode) header.get(name);
    }

    long begin(String name) {
        return entry(name).get("data_offsets").get(0).asLong();
    }

    void offsets(String name, long begin, long end) {
        ArrayNode o = entry(name).putArray("data_offsets");
        o.add(begin).add(end);
    }

    void shape(String name, long... dims) {
        ArrayNode s = entry(name).putArray("shape");
        for (long d : dims) {
            s.add(d);
        }
    }

    /** Sets one float32 value of a tensor. */
    void putFloat(String name, int index, float value) {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) begin(name) + 4 * index, value);
    }

    /**
     * Replaces a tensor's bytes with its first {@code keep} bytes and its shape with {@code dims}, moving
     * the other tensors' offsets so the ranges still tile the data.
     */
    SafetensorsBytes withTensorCut(String name, int keep, long... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ObjectNode h = header.deepCopy();
        SafetensorsBytes result = new SafetensorsBytes(h, null);
        long offset = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            int b = (int) f.getValue().get("data_offsets").get(0).asLong();
            int e = (int) f.getValue().get("data_offsets").get(1).asLong();
            int length = f.getKey().equals(name) ? keep : e - b;
            out.write(data, b, length);
            result.offsets(f.getKey(), offset, offset + length);
            offset += length;
        }
        result.shape(name, dims);
        return new SafetensorsBytes(h, out.toByteArray());
    }

    byte[] bytes() {
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, data);
    }

    static byte[] file(long declaredHeaderLength, byte[] header, byte[] data) {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredHeaderLength).put(header).put(data);
        return buf.array();
    }
}
