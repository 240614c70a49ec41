package dev.upstreamguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsEveryKindOfValue() {
        Object value = Json.parse(" {\"s\":\"a\\\"b\\\\c\\n\\u00e9\",\"n\":-12,\"big\":12345678901234567890,"
                + "\"d\":1.5e2,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}]} ");

        Map<String, Object> object = Json.object(value, "root");
        assertThat(object).containsKeys("s", "n", "big", "d", "t", "f", "z", "a");
        assertThat(object.get("s")).isEqualTo("a\"b\\c\né");
        assertThat(object.get("n")).isEqualTo(-12L);
        assertThat(object.get("big")).isEqualTo(1.2345678901234567e19);
        assertThat(object.get("d")).isEqualTo(150.0);
        assertThat(object.get("t")).isEqualTo(true);
        assertThat(object.get("f")).isEqualTo(false);
        assertThat(object.get("z")).isNull();
        assertThat(Json.array(object.get("a"), "a")).containsExactly(1L, List.of(), Map.of());
        assertThat(Json.array(null, "missing")).isEmpty();
    }

    @Test
    void keepsTheMembersInDocumentOrder() {
        assertThat(Json.object(Json.parse("{\"b\":1,\"a\":2,\"c\":3}"), "root").keySet())
                .containsExactly("b", "a", "c");
    }

    @Test
    void rejectsWhatIsNotJsonNamingWhereAndWhat() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).hasMessageContaining("expected a member name at offset 7");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessageContaining("expected ',' or ']'");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("the end of the string");
        assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("end of input");
        assertThatThrownBy(() -> Json.parse("tru")).hasMessageContaining("expected true");
        assertThatThrownBy(() -> Json.parse("-")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> Json.object(List.of(), "data[0]")).hasMessage("data[0] is not a JSON object: []");
    }
}
