package io.robustcert.cli;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.eval.SampleVerdict;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG grid of clean images next to their adversarial versions, each captioned with the label and the
 * model's prediction; broken samples first (adversarial prediction in red).
 */
final class AdversarialGrid {

    static final int SCALE = 4;
    static final int CAPTION = 18;
    static final int PAIRS_PER_ROW = 4;
    static final int GAP = 8;

    private AdversarialGrid() {
    }

    /** Draws up to {@code max} samples, broken ones first. */
    static void write(Dataset data, List<SampleVerdict> verdicts, int max, Path png) throws IOException {
        List<SampleVerdict> shown = verdicts.stream()
                .sorted((a, b) -> Boolean.compare(b.broken(), a.broken()))
                .limit(max).toList();
        int w = data.width() * SCALE;
        int h = data.height() * SCALE;
        int cellW = 2 * w + GAP;
        int cellH = h + CAPTION;
        int cols = Math.max(1, Math.min(PAIRS_PER_ROW, shown.size()));
        int rows = Math.max(1, (shown.size() + cols - 1) / cols);
        BufferedImage img = new BufferedImage(cols * cellW + (cols + 1) * GAP, rows * cellH + (rows + 1) * GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k < shown.size(); k++) {
            SampleVerdict v = shown.get(k);
            int x0 = GAP + (k % cols) * (cellW + GAP);
            int y0 = GAP + (k / cols) * (cellH + GAP);
            double[] clean = data.imageAsDoubles(v.index());
            double[] adversarial = v.adversarial() != null ? v.adversarial() : clean;
            draw(img, clean, data, x0, y0);
            draw(img, adversarial, data, x0 + w + GAP / 2, y0);
            g.setColor(v.cleanCorrect() ? Color.BLACK : Color.RED);
            g.drawString("y=" + v.label() + " pred " + v.cleanPrediction(), x0, y0 + h + CAPTION - 4);
            g.setColor(v.broken() ? Color.RED : Color.BLACK);
            g.drawString("adv pred " + v.adversarialPrediction(), x0 + w + GAP / 2, y0 + h + CAPTION - 4);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** Grey levels (the first channel of multi-channel images is drawn as RGB when there are three). */
    private static void draw(BufferedImage img, double[] x, Dataset d, int x0, int y0) {
        int hw = d.height() * d.width();
        for (int r = 0; r < d.height(); r++) {
            for (int c = 0; c < d.width(); c++) {
                int rgb;
                if (d.channels() == 3) {
                    rgb = (level(x[r * d.width() + c]) << 16) | (level(x[hw + r * d.width() + c]) << 8)
                            | level(x[2 * hw + r * d.width() + c]);
                } else {
                    int v = level(x[r * d.width() + c]);
                    rgb = (v << 16) | (v << 8) | v;
                }
                for (int dy = 0; dy < SCALE; dy++) {
                    for (int dx = 0; dx < SCALE; dx++) {
                        img.setRGB(x0 + c * SCALE + dx, y0 + r * SCALE + dy, rgb);
                    }
                }
            }
        }
    }

    private static int level(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
