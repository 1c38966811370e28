package io.robustcert.core.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The parts of an ONNX model file ({@code ModelProto}, a protobuf message) that a feed-forward network is made
 * of: the graph's nodes in order, its initializers, and the names and shapes of its inputs and outputs.
 * Fields are read by their numbers in the ONNX specification (onnx.proto); every other field is skipped.
 * {@link OnnxImport} turns the graph into a {@code Network}.
 */
record OnnxModel(List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs, List<String> outputs) {

    /** One operator: its type, the names of its inputs and outputs, its attributes. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {

        String describe(int index) {
            return "ONNX node " + index + (name.isEmpty() ? "" : " '" + name + "'") + " (" + opType + ")";
        }
    }

    /** An attribute's value: whichever of these its type uses. */
    record Attribute(long i, float f, String s, long[] ints, float[] floats, Tensor t) {
    }

    /** A tensor's shape and values (any ONNX number type, as doubles). */
    record Tensor(String name, long[] dims, double[] values) {
    }

    /** A graph input or output: its name and shape (−1 where a dimension is symbolic or unknown). */
    record ValueInfo(String name, long[] dims) {
    }

    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    private static final int INT64 = 7;
    private static final int DOUBLE = 11;

    /** Reads a model of at most {@code maxBytes}. */
    static OnnxModel read(InputStream in, long maxBytes) throws ModelFormatException, IOException {
        byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > maxBytes) {
            throw new ModelFormatException("ONNX model is larger than the limit of " + maxBytes + " bytes");
        }
        try {
            CodedInputStream model = CodedInputStream.newInstance(bytes);
            OnnxModel graph = null;
            int tag;
            while ((tag = model.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    graph = graph(CodedInputStream.newInstance(model.readByteArray()));
                } else {
                    model.skipField(tag);
                }
            }
            if (graph == null) {
                throw new ModelFormatException("not an ONNX model: no graph (is it a safetensors file without the .safetensors name?)");
            }
            return graph;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new ModelFormatException("not a valid ONNX model (protobuf): " + e.getMessage());
        }
    }

    private static OnnxModel graph(CodedInputStream in) throws IOException, ModelFormatException {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(node(sub(in)));
                case 5 -> {
                    Tensor t = tensor(sub(in));
                    initializers.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfo(sub(in)));
                case 12 -> outputs.add(valueInfo(sub(in)).name());
                case 15 -> throw new ModelFormatException("ONNX sparse initializers are not supported");
                default -> in.skipField(tag);
            }
        }
        return new OnnxModel(nodes, initializers, inputs, outputs);
    }

    private static Node node(CodedInputStream in) throws IOException, ModelFormatException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        String name = "";
        String op = "";
        String domain = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> op = in.readString();
                case 7 -> domain = in.readString();
                case 5 -> {
                    CodedInputStream a = sub(in);
                    String[] attrName = {""};
                    Attribute value = attribute(a, attrName);
                    attributes.put(attrName[0], value);
                }
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain, inputs, outputs, attributes);
    }

    private static Attribute attribute(CodedInputStream in, String[] name) throws IOException, ModelFormatException {
        long i = 0;
        float f = 0;
        String text = "";
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        Tensor t = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> name[0] = in.readString();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> text = in.readStringRequireUtf8();
                case 5 -> t = tensor(sub(in));
                case 7 -> readRepeated(in, packed, floats, CodedInputStream::readFloat);
                case 8 -> readRepeated(in, packed, ints, CodedInputStream::readInt64);
                default -> in.skipField(tag);
            }
        }
        return new Attribute(i, f, text, ints.stream().mapToLong(Long::longValue).toArray(), toFloats(floats), t);
    }

    private static Tensor tensor(CodedInputStream in) throws IOException, ModelFormatException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        List<Float> floats = new ArrayList<>();
        List<Long> longs = new ArrayList<>();
        List<Double> doubles = new ArrayList<>();
        byte[] raw = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> readRepeated(in, packed, dims, CodedInputStream::readInt64);
                case 2 -> type = in.readInt32();
                case 4 -> readRepeated(in, packed, floats, CodedInputStream::readFloat);
                case 5, 7 -> readRepeated(in, packed, longs, CodedInputStream::readInt64);
                case 8 -> name = in.readString();
                case 9 -> raw = in.readByteArray();
                case 10 -> readRepeated(in, packed, doubles, CodedInputStream::readDouble);
                case 13, 14 -> throw new ModelFormatException("ONNX tensor '" + name
                        + "' keeps its data in an external file; save the model with its weights inside");
                default -> in.skipField(tag);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new ModelFormatException("ONNX tensor '" + name + "' has a negative dimension");
            }
            count = Math.multiplyExact(count, d);
        }
        double[] values = switch (type) {
            case FLOAT -> raw != null ? raw(raw, 4, ByteBuffer::getFloat) : floats.stream().mapToDouble(Float::doubleValue).toArray();
            case DOUBLE -> raw != null ? raw(raw, 8, ByteBuffer::getDouble) : doubles.stream().mapToDouble(Double::doubleValue).toArray();
            case INT64 -> raw != null ? raw(raw, 8, ByteBuffer::getLong) : longs.stream().mapToDouble(Long::doubleValue).toArray();
            case INT32 -> raw != null ? raw(raw, 4, ByteBuffer::getInt) : longs.stream().mapToDouble(Long::doubleValue).toArray();
            default -> throw new ModelFormatException("ONNX tensor '" + name + "' has data type " + type
                    + "; float, double, int32 and int64 are supported");
        };
        if (values.length != count) {
            throw new ModelFormatException("ONNX tensor '" + name + "' has " + values.length + " values for "
                    + count + " elements");
        }
        return new Tensor(name, shape, values);
    }

    private static ValueInfo valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        List<Long> dims = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> shape(sub(in), dims); // TypeProto
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, dims.stream().mapToLong(Long::longValue).toArray());
    }

    /** TypeProto → tensor_type (1) → shape (2) → dim (1) → dim_value (1) or dim_param (2, symbolic: −1). */
    private static void shape(CodedInputStream type, List<Long> dims) throws IOException {
        CodedInputStream tensorType = field(type, 1);
        CodedInputStream shape = tensorType == null ? null : field(tensorType, 2);
        if (shape == null) {
            return;
        }
        int tag;
        while ((tag = shape.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                shape.skipField(tag);
                continue;
            }
            CodedInputStream dim = sub(shape);
            long value = -1;
            int t;
            while ((t = dim.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(t) == 1) {
                    value = dim.readInt64();
                } else {
                    dim.skipField(t);
                }
            }
            dims.add(value);
        }
    }

    /** The first length-delimited field {@code number} of a message, or null. */
    private static CodedInputStream field(CodedInputStream in, int number) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == number && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                return sub(in);
            }
            in.skipField(tag);
        }
        return null;
    }

    private static CodedInputStream sub(CodedInputStream in) throws IOException {
        return CodedInputStream.newInstance(in.readByteArray());
    }

    /** One value of a scalar protobuf type. */
    @FunctionalInterface
    private interface ScalarReader<T> {
        T read(CodedInputStream in) throws IOException;
    }

    /** One occurrence of a repeated scalar field: a single value, or a packed run of them. */
    private static <T> void readRepeated(CodedInputStream in, boolean packed, List<T> out, ScalarReader<T> next)
            throws IOException {
        if (!packed) {
            out.add(next.read(in));
            return;
        }
        CodedInputStream p = sub(in);
        while (!p.isAtEnd()) {
            out.add(next.read(p));
        }
    }

    private static float[] toFloats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = list.get(k);
        }
        return out;
    }

    /** Little-endian values of {@code width} bytes each, read one by one with {@code next}. */
    private static double[] raw(byte[] raw, int width, ToDoubleFunction<ByteBuffer> next) throws ModelFormatException {
        if (raw.length % width != 0) {
            throw new ModelFormatException("ONNX raw tensor data of " + raw.length + " bytes is not a whole number of "
                    + width + "-byte values");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[raw.length / width];
        for (int k = 0; k < out.length; k++) {
            out[k] = next.applyAsDouble(b);
        }
        return out;
    }
}
