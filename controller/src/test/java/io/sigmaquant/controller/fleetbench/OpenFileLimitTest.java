package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import org.junit.jupiter.api.Test;

class OpenFileLimitTest {
    @Test
    void check_limitBelowAgentsAndReserve_namesTheLimitAndTheFix() {
        assertThatThrownBy(() -> OpenFileLimit.check(1024, 1000)).isInstanceOf(UserInputException.class)
                .hasMessage("the open-file limit (ulimit -n) is 1024, too low for 1000 agents (about 1256 needed): "
                        + "raise it, e.g. ulimit -n 8192");
    }

    @Test
    void check_enoughOrUnknown_passes() {
        assertThatCode(() -> OpenFileLimit.check(8192, 2000)).doesNotThrowAnyException();
        assertThatCode(() -> OpenFileLimit.check(-1, 2000)).doesNotThrowAnyException();
    }
}
