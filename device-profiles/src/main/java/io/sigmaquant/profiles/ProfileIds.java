package io.sigmaquant.profiles;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The one way the profiles' enums are read from the ids users write, with the same one-line refusal. */
final class ProfileIds {
    private ProfileIds() {
    }

    /**
     * @param what the kind of value, as the refusal names it ("execution provider")
     * @throws IllegalArgumentException naming the value and the choices, in one line
     */
    static <E extends Enum<E>> E of(Class<E> type, Function<E, String> idOf, String what, String id) {
        E[] values = type.getEnumConstants();
        for (E e : values) {
            if (idOf.apply(e).equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + id + "'; choose one of "
                + Arrays.stream(values).map(idOf).collect(Collectors.joining(", ")));
    }
}
