package io.sigmaquant.controller.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.sigmaquant.controller.model.Tensors;
import java.util.Random;

/**
 * Builds small ONNX graphs for unit tests of graph rewrites whose real-model form is not among the
 * fixtures (an unfolded BatchNorm, a MatMul layer, a graph without layers). They run in real ONNX Runtime.
 */
public final class TestGraphs {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final Random random = new Random(7);

    public TestGraphs input(String name, long... shape) {
        graph.addInput(valueInfo(name, shape));
        return this;
    }

    public TestGraphs output(String name, long... shape) {
        graph.addOutput(valueInfo(name, shape));
        return this;
    }

    public TestGraphs randomInitializer(String name, long... dims) {
        int n = (int) Tensors.elementCount(java.util.Arrays.stream(dims).boxed().toList());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * 0.5f;
        }
        return initializer(name, dims, v);
    }

    public TestGraphs initializer(String name, long[] dims, float[] values) {
        graph.addInitializer(Tensors.floats(name, dims, values));
        return this;
    }

    public TestGraphs node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (String out : outputs) {
            n.addOutput(out);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    public ModelProto model(int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("sigmaquant-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(String name, long... shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }
}
