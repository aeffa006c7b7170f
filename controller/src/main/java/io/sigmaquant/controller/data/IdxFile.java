package io.sigmaquant.controller.data;

import io.sigmaquant.controller.UserInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file (the MNIST format): magic {@code 0x0000 0x08 ndim}, big-endian dimensions, then unsigned
 * bytes. Gzip-compressed files ({@code .gz}) are read as they are shipped by Debian's data set package.
 */
public record IdxFile(int[] dims, byte[] data) {

    public static IdxFile read(Path file) {
        byte[] bytes;
        try (InputStream in = open(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            bytes = out.toByteArray();
        } catch (IOException e) {
            throw new UserInputException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    static IdxFile parse(byte[] bytes, String origin) {
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08) {
            throw new UserInputException(origin + " is not an unsigned-byte IDX file (bad magic number)");
        }
        int ndim = bytes[3] & 0xFF;
        if (ndim < 1 || bytes.length < 4 + 4 * ndim) {
            throw new UserInputException(origin + " has a truncated IDX header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int[] dims = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = buf.getInt(4 + 4 * i);
            if (dims[i] <= 0) {
                throw new UserInputException(origin + " has a non-positive dimension " + dims[i]);
            }
            count *= dims[i];
        }
        int offset = 4 + 4 * ndim;
        if (bytes.length - offset != count) {
            throw new UserInputException(origin + " holds " + (bytes.length - offset) + " data bytes; its header "
                    + "promises " + count + " (truncated or corrupt)");
        }
        byte[] data = new byte[(int) count];
        System.arraycopy(bytes, offset, data, 0, data.length);
        return new IdxFile(dims, data);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }
}
