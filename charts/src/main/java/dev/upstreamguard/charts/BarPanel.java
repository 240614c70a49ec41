package dev.upstreamguard.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.function.DoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * One bar chart panel: categories along the bottom, a bar per series in each, the value written on
 * every bar. A value never given draws no bar (a figure the run did not measure is left out, never
 * drawn as zero). Not thread-safe.
 */
public final class BarPanel {

    static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color GRID = new Color(0xDD, 0xDD, 0xDD);

    private final String title;
    private final String axis;
    private final DoubleFunction<String> label;
    private final DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    private double upper = Double.NaN;
    private double tick = Double.NaN;

    private BarPanel(String title, String axis, DoubleFunction<String> label) {
        this.title = title;
        this.axis = axis;
        this.label = label;
    }

    /**
     * @param title the panel's title
     * @param axis the value axis' label, with its unit
     * @param label how a value is written on its bar
     */
    public static BarPanel of(String title, String axis, DoubleFunction<String> label) {
        return new BarPanel(title, axis, label);
    }

    /**
     * Adds one bar. Series and categories are drawn in the order they are first given.
     *
     * @throws IllegalArgumentException when the value is not a finite number
     */
    public BarPanel bar(String series, String category, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    title + ": " + series + " / " + category + ": " + value + " is not a finite number");
        }
        dataset.addValue(value, series, category);
        return this;
    }

    /**
     * Fixes the value axis to 0..{@code upper} with a tick every {@code tick} (e.g. a percentage: 0 to
     * 100, with room for the labels above), instead of fitting it to the values.
     */
    public BarPanel axis(double upper, double tick) {
        this.upper = upper;
        this.tick = tick;
        return this;
    }

    /** The panel as a chart of its own, ready for a {@link ChartSheet}. */
    public JFreeChart chart() {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.04);
        renderer.setMaximumBarWidth(0.12);
        for (int row = 0; row < dataset.getRowCount(); row++) {
            renderer.setSeriesPaint(row, Palette.of(dataset.getRowKey(row).toString(), row));
        }
        renderer.setDefaultItemLabelGenerator(new ValueLabels(label));
        renderer.setDefaultItemLabelFont(LABEL_FONT);
        renderer.setDefaultItemLabelsVisible(true);

        CategoryAxis categories = new CategoryAxis(null);
        categories.setMaximumCategoryLabelLines(2);
        categories.setMaximumCategoryLabelWidthRatio(1.3f); // a client's name on one line where it fits
        categories.setTickLabelFont(LABEL_FONT);
        NumberAxis values = new NumberAxis(axis);
        values.setLabelFont(LABEL_FONT);
        values.setTickLabelFont(LABEL_FONT);
        values.setUpperMargin(0.18); // room for the labels above the tallest bar
        values.setLowerMargin(0.08);
        if (!Double.isNaN(upper)) {
            values.setRange(0, upper);
            values.setTickUnit(new NumberTickUnit(tick));
        }

        CategoryPlot plot = new CategoryPlot(dataset, categories, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(0.8f));
        plot.setRangeZeroBaselineVisible(true);
        JFreeChart chart = new JFreeChart(title, PANEL_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Writes each bar's own value; a missing value gets no label. */
    private static final class ValueLabels implements CategoryItemLabelGenerator {
        private final DoubleFunction<String> label;

        ValueLabels(DoubleFunction<String> label) {
            this.label = label;
        }

        @Override
        public String generateRowLabel(CategoryDataset dataset, int row) {
            return dataset.getRowKey(row).toString();
        }

        @Override
        public String generateColumnLabel(CategoryDataset dataset, int column) {
            return dataset.getColumnKey(column).toString();
        }

        @Override
        public String generateLabel(CategoryDataset dataset, int row, int column) {
            Number value = dataset.getValue(row, column);
            return value == null ? null : label.apply(value.doubleValue());
        }
    }
}
