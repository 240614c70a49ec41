package dev.upstreamguard.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.LegendItemSource;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.data.Range;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;
import org.jfree.svg.ViewBox;

/**
 * One picture: a title, a line saying where the figures come from, panels in a grid, and one legend
 * for all of them (each series name once). Written as SVG and as PNG of the same size. Not
 * thread-safe; build, write, drop.
 */
public final class ChartSheet {

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font NOTE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final double GAP = 8;

    private final String title;
    private final String note;
    private final int columns;
    private final List<JFreeChart> panels;

    /**
     * @param title what the picture shows, in a line
     * @param note where the figures come from (the run, the command), or null
     * @param columns panels per row
     * @param panels the panels, row by row; their own legends are dropped for the shared one
     */
    public ChartSheet(String title, String note, int columns, List<JFreeChart> panels) {
        if (columns < 1 || panels.isEmpty()) {
            throw new IllegalArgumentException("a sheet needs at least one column and one panel");
        }
        this.title = title;
        this.note = note;
        this.columns = columns;
        this.panels = List.copyOf(panels);
        for (JFreeChart panel : this.panels) {
            panel.removeLegend();
        }
    }

    /**
     * Writes {@code base + ".svg"} and {@code base + ".png"}, {@code width} by {@code height} pixels,
     * creating the folder if needed.
     *
     * @return the two files, SVG first
     */
    public List<Path> write(Path base, int width, int height) throws IOException {
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        Path png = base.resolveSibling(base.getFileName() + ".png");
        writeSvg(svg, width, height);
        writePng(png, width, height);
        return List.of(svg, png);
    }

    /**
     * Writes the sheet as a standalone SVG document, text as text, with a view box so that it scales
     * (no DOCTYPE: nothing for a reader to fetch).
     */
    public void writeSvg(Path file, int width, int height) throws IOException {
        headless();
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        // two decimals are a hundredth of a pixel: a third of the file's size, nothing a reader can see
        g2.setGeomDoubleConverter(SVGUtils.createDoubleConverter(2));
        g2.setTransformDoubleConverter(SVGUtils.createDoubleConverter(2));
        draw(g2, width, height);
        createParent(file);
        String svg = g2.getSVGElement(null, true, new ViewBox(0, 0, width, height), null, null);
        Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n", StandardCharsets.UTF_8);
    }

    /** Writes the sheet as a PNG image. */
    public void writePng(Path file, int width, int height) throws IOException {
        headless();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            draw(g2, width, height);
        } finally {
            g2.dispose();
        }
        createParent(file);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM for " + file);
        }
    }

    /** Draws the whole sheet into {@code g2}, from (0, 0). */
    void draw(Graphics2D g2, double width, double height) {
        g2.setPaint(Color.WHITE);
        g2.fill(new Rectangle2D.Double(0, 0, width, height));
        double top = GAP;
        top += drawText(g2, title, TITLE_FONT, top, width);
        if (note != null && !note.isBlank()) {
            top += drawText(g2, note, NOTE_FONT, top, width);
        }
        LegendTitle legend = new LegendTitle(new SharedLegend(panels));
        legend.setItemFont(NOTE_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setMargin(new RectangleInsets(4, 4, 4, 4));
        Size2D legendSize = legend.arrange(g2, new RectangleConstraint(new Range(0, width), null));
        double legendHeight = legendSize.height;
        legend.draw(
                g2,
                new Rectangle2D.Double(
                        (width - legendSize.width) / 2,
                        height - legendHeight - GAP / 2,
                        legendSize.width,
                        legendHeight));

        int rows = (panels.size() + columns - 1) / columns;
        double gridHeight = height - top - legendHeight - GAP;
        double cellWidth = width / columns;
        double cellHeight = gridHeight / rows;
        for (int i = 0; i < panels.size(); i++) {
            int row = i / columns;
            int column = i % columns;
            panels.get(i)
                    .draw(
                            g2,
                            new Rectangle2D.Double(column * cellWidth, top + row * cellHeight, cellWidth, cellHeight));
        }
    }

    private static double drawText(Graphics2D g2, String text, Font font, double top, double width) {
        TextTitle line = new TextTitle(text, font);
        line.setHorizontalAlignment(HorizontalAlignment.CENTER);
        line.setMargin(new RectangleInsets(2, 8, 2, 8));
        Size2D size = line.arrange(g2, new RectangleConstraint(new Range(0, width), null));
        line.draw(g2, new Rectangle2D.Double(0, top, width, size.height));
        return size.height;
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** Drawing needs no display: say so before AWT starts, unless the JVM was told otherwise. */
    private static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // JFreeChart draws rotated labels (the value axes') as glyph outlines by default, a fix for
        // JDKs long gone; drawn as strings they stay text in the SVG: searchable, and lighter
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /** The legend items of every panel, each label once, in the order they first appear. */
    private static final class SharedLegend implements LegendItemSource {
        private final List<JFreeChart> panels;

        SharedLegend(List<JFreeChart> panels) {
            this.panels = panels;
        }

        @Override
        public LegendItemCollection getLegendItems() {
            LegendItemCollection items = new LegendItemCollection();
            Set<String> seen = new HashSet<>();
            for (JFreeChart panel : panels) {
                for (Iterator<LegendItem> it = panel.getPlot().getLegendItems().iterator(); it.hasNext(); ) {
                    LegendItem item = it.next();
                    if (seen.add(item.getLabel())) {
                        items.add(item);
                    }
                }
            }
            return items;
        }
    }
}
