package io.robustcert.cli;

import io.robustcert.core.eval.ErrorTable;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** A bar chart of the error table (JFreeChart), one bar per column (then one per bound method), 0-100 %. */
final class ErrorChart {

    static final int WIDTH = 800;
    static final int HEIGHT = 480;

    private ErrorChart() {
    }

    static void write(ErrorTable t, String title, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        String series = "error %";
        data.addValue(t.standardError(), series, "Standard");
        data.addValue(t.pgdError(), series, "PGD");
        if (t.verifiedError() != null) {
            data.addValue(t.verifiedError(), series, "Verified (best)");
            for (Map.Entry<String, Double> e : t.verifiedByMethod().entrySet()) {
                data.addValue(e.getValue(), series, e.getKey());
            }
        }
        String subtitle = String.format(Locale.ROOT, "%s, eps %s, %d samples, %s bounds", title, t.epsilon(),
                t.samples(), t.precision());
        JFreeChart chart = ChartFactory.createBarChart(subtitle, null, "error (%)", data, PlotOrientation.VERTICAL,
                false, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(1.5f);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 100);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setSeriesPaint(0, new Color(0x3A6EA5));
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }
}
