package io.robustcert.cli;

import io.robustcert.core.train.EpochMetrics;
import io.robustcert.core.train.SmoothnessProbe;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The PNG plots written next to a run's checkpoints (JFreeChart line charts). */
final class TrainingPlots {

    private TrainingPlots() {
    }

    static void write(List<EpochMetrics> history, Path dir) throws IOException {
        chart(dir.resolve("loss.png"), "Training loss per epoch", "epoch", "mean loss", history,
                new String[] {"loss"}, m -> m.meanLoss());
        chart(dir.resolve("errors.png"), "Errors on the evaluation subset (fast-mode bounds)", "epoch", "error (%)",
                history, new String[] {"clean", "IBP-verified", "CROWN-IBP-verified"},
                m -> 100 * m.cleanError(), m -> 100 * m.ibpVerifiedError(), m -> 100 * m.crownIbpVerifiedError());
        chart(dir.resolve("schedules.png"), "Schedules at the end of each epoch", "epoch", "value", history,
                new String[] {"ε (train)", "β", "κ", "lr × 1000"},
                m -> m.epsilon(), m -> m.beta(), m -> m.kappa(), m -> 1000 * m.learningRate());
        XYSeriesCollection smooth = new XYSeriesCollection();
        XYSeries variation = new XYSeries("loss variation");
        XYSeries gradient = new XYSeries("gradient difference (λ = 1)");
        XYSeries cosine = new XYSeries("cosine distance (λ = 1)");
        for (EpochMetrics m : history) {
            for (SmoothnessProbe.Measures s : m.smoothness()) {
                variation.add(s.step(), s.lossVariation());
                gradient.add(s.step(), s.gradientDifference()[s.gradientDifference().length - 1]);
                cosine.add(s.step(), s.cosineDistance()[s.cosineDistance().length - 1]);
            }
        }
        smooth.addSeries(variation);
        smooth.addSeries(gradient);
        smooth.addSeries(cosine);
        save(dir.resolve("smoothness.png"), "Loss-landscape measures (method.md §10.3)", "iteration", "value", smooth);
    }

    @SafeVarargs
    private static void chart(Path png, String title, String x, String y, List<EpochMetrics> history, String[] names,
                              ToDoubleFunction<EpochMetrics>... values) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (int k = 0; k < names.length; k++) {
            XYSeries s = new XYSeries(names[k]);
            for (EpochMetrics m : history) {
                s.add(m.epoch(), values[k].applyAsDouble(m));
            }
            data.addSeries(s);
        }
        save(png, title, x, y, data);
    }

    static void save(Path png, String title, String x, String y, XYSeriesCollection data) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
    }
}
