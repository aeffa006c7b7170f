package io.sigmaquant.controller.analysis;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.model.BatchNormFolder;
import io.sigmaquant.controller.model.OnnxModels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a user's ONNX model into a {@link ModelAnalysis}: fold BatchNorm, find layers, measure shapes. */
public final class ModelAnalyzer {
    private ModelAnalyzer() {
    }

    public static ModelAnalysis analyze(ModelProto model) {
        ModelProto folded = BatchNormFolder.fold(model);
        ModelInput input = dataInput(folded.getGraph());
        List<LayerFinder.Candidate> candidates = LayerFinder.find(folded.getGraph());
        if (candidates.isEmpty()) {
            throw new UserInputException("the model has no quantizable layer (Conv, Gemm, or MatMul with a "
                    + "constant weight)");
        }
        Set<String> probed = new LinkedHashSet<>();
        for (LayerFinder.Candidate c : candidates) {
            probed.add(c.node().getOutput(0));
            if (!c.node().getInput(0).equals(input.name())) {
                probed.add(c.node().getInput(0));
            }
        }
        Map<String, long[]> shapes = OutputShapeProbe.shapes(folded, input, List.copyOf(probed));
        shapes.put(input.name(), input.withBatch(1));
        List<Layer> layers = new ArrayList<>();
        for (LayerFinder.Candidate c : candidates) {
            long[] outShape = shapes.get(c.node().getOutput(0));
            layers.add(withShape(c.partial(), outShape, elements(shapes.get(c.node().getInput(0)))));
        }
        return new ModelAnalysis(folded, OnnxModels.defaultOpset(folded), input,
                LayerNeighbours.attach(folded.getGraph(), layers));
    }

    /**
     * The layers {@link #analyze} finds, counted from the graph as given, for checks that must answer in
     * milliseconds: no BatchNorm arithmetic, no weight read, no ONNX Runtime. Weights, biases (those BatchNorm
     * folding adds included) and output channels are those of the analysed layers; σ is NaN, MACs and shapes are
     * unknown. A layer whose weights are not FLOAT or DOUBLE, which the analysis refuses, is left out.
     */
    public static List<Layer> countLayers(ModelProto model) {
        Map<String, Long> foldedBiases = BatchNormFolder.foldedBiasLengths(model.getGraph());
        List<Layer> layers = new ArrayList<>();
        for (LayerFinder.Candidate c : LayerFinder.count(model.getGraph())) {
            Long bias = foldedBiases.get(c.node().getOutput(0));
            Layer l = c.partial();
            layers.add(bias == null ? l : new Layer(l.name(), l.op(), l.weightTensor(), l.weightInput(), l.biasTensor(),
                    l.weightShape(), l.channelAxis(), l.groups(), l.weightParams(), bias, l.macs(), l.sigma(),
                    l.outputShape(), l.inputElements()));
        }
        return layers;
    }

    /**
     * MACs for one sample: every output element costs one MAC per weight of its output channel, which is
     * weights / output channels for Conv (C/g·kH·kW), Gemm and MatMul (K) alike.
     */
    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static Layer withShape(Layer l, long[] outShape, long inputElements) {
        long outElements = 1;
        for (int i = 1; i < outShape.length; i++) {
            outElements *= outShape[i];
        }
        if (outShape.length == 1) {
            outElements = outShape[0];
        }
        long macs = outElements * (l.weightParams() / l.outputChannels());
        return new Layer(l.name(), l.op(), l.weightTensor(), l.weightInput(), l.biasTensor(), l.weightShape(),
                l.channelAxis(), l.groups(), l.weightParams(), l.biasParams(), macs, l.sigma(), outShape,
                inputElements);
    }

    /** The single non-constant graph input; its only symbolic dimension may be the batch. */
    public static ModelInput dataInput(GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<ValueInfoProto> data = graph.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName())).toList();
        if (data.size() != 1) {
            throw new UserInputException("the model must have exactly one data input; it has " + data.size());
        }
        ValueInfoProto in = data.get(0);
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw new UserInputException("model input '" + in.getName() + "' has no tensor shape");
        }
        List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
            if (shape[i] < 0 && i > 0) {
                throw new UserInputException("model input '" + in.getName() + "' has a symbolic dimension at "
                        + "axis " + i + " ('" + d.getDimParam() + "'); only the batch axis may be symbolic");
            }
        }
        return new ModelInput(in.getName(), shape);
    }
}
