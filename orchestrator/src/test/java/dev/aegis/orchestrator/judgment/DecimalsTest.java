package dev.aegis.orchestrator.judgment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DecimalsTest {

  @Test
  @DisplayName("fixed-point text is what String.format writes, for every kind of value")
  void sameAsFormatter() {
    Random random = new Random(5);
    double[] edges = {
      0,
      -0.0,
      1.005,
      2.675,
      0.125,
      0.0005,
      -0.001,
      99.995,
      450,
      1e-9,
      0.5,
      -0.5,
      1.5,
      2.5,
      0.05,
      0.45,
      999999.9995,
      99999999.5,
      1e9,
      4.35,
      123456789.987,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MIN_VALUE
    };
    for (int decimals = 0; decimals <= 7; decimals++) {
      double power = Math.pow(10, decimals + 1);
      for (double v : edges) {
        assertThat(Decimals.fixed(v, decimals))
            .as("%s with %d decimals", v, decimals)
            .isEqualTo(String.format(Locale.ROOT, "%." + decimals + "f", v));
      }
      for (int i = 0; i < 20_000; i++) {
        double v =
            switch (i % 6) {
              case 0 -> random.nextDouble();
              case 1 -> random.nextDouble() * 1000;
              case 2 -> Math.round(random.nextDouble() * 100_000) / 1000.0; // ties at 3 places
              // ties in the first digit dropped, as the decimal text has them
              case 3 -> (Math.floor(random.nextDouble() * 1e6) * 10 + 5) / power;
              case 4 -> -(Math.floor(random.nextDouble() * 1e4) * 10 + 5) / power;
              default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 8);
            };
        assertThat(Decimals.fixed(v, decimals))
            .as("%s with %d decimals", v, decimals)
            .isEqualTo(String.format(Locale.ROOT, "%." + decimals + "f", v));
      }
    }
  }

  @Test
  @DisplayName(
      "a boxed value writes as String.format writes it; null writes \"null\" (the format cut it"
          + " to the precision: \"nu\")")
  void boxedValues() {
    for (Double v : new Double[] {2.0, 0.125, -0.004}) {
      assertThat(Decimals.fixed(v, 2)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.2f", v));
    }
    assertThat(Decimals.fixed((Double) null, 2)).isEqualTo("null");
  }
}
