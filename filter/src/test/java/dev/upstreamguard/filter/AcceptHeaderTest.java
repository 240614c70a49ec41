package dev.upstreamguard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptHeaderTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "text/html|true",
                "TEXT/HTML|true",
                "text/*|true",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8|true",
                "application/json;q=0.9, text/html|true",
                "text/html ; q=0.6 , application/*;q=0.5|true",
                "*/*|false",
                "application/json|false",
                "application/problem+json|false",
                "application/*|false",
                "text/html;q=0.5, application/json|false",
                "text/html;q=0.8, */*;q=0.8|false",
                "text/html;q=0, */*|false",
                "text/plain|false",
                "text/html;q=abc|false",
                "text/html;q=2|false",
                "html|false",
                "*/html|false",
                "''|false",
            })
    void htmlOnlyWhenRatedStrictlyHigherThanJson(String accept, boolean html) {
        assertThat(AcceptHeader.parse(Collections.enumeration(List.of(accept))).prefersHtml())
                .isEqualTo(html);
    }

    @Test
    void severalHeadersAreOneList() {
        assertThat(AcceptHeader.parse(Collections.enumeration(List.of("application/json;q=0.1", "text/html")))
                        .prefersHtml())
                .isTrue();
    }

    @Test
    void noHeaderMeansJson() {
        assertThat(AcceptHeader.parse(null).prefersHtml()).isFalse();
        assertThat(AcceptHeader.parse(Collections.emptyEnumeration()).prefersHtml())
                .isFalse();
    }

    @Test
    void theMostSpecificRangeGivesTheQuality() {
        AcceptHeader accept =
                AcceptHeader.parse(Collections.enumeration(List.of("text/*;q=0.3, text/html;q=0.7, */*;q=0.1")));

        assertThat(accept.quality("text", "html")).isEqualTo(0.7);
        assertThat(accept.quality("text", "plain")).isEqualTo(0.3);
        assertThat(accept.quality("application", "json")).isEqualTo(0.1);
    }
}
