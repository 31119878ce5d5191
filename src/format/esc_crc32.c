/*
 * The TLV footer's CRC: reflected CRC-32 (poly 0xEDB88320) whose register
 * starts at 0 and is inverted at the end. This is what esp_crc32_le(UINT32_MAX,
 * ...) computes on the device and zlib.crc32(buf, 0xFFFFFFFF) in the tool;
 * it differs from the common CRC-32 (which starts from ~0).
 */
#include "esc_tlv.h"

/* Nibble table: 64 bytes of constants instead of 1 KiB, fast enough for
 * 8 KiB partitions and small on the device. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t esc_crc32_update(uint32_t state, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        state ^= buf[i];
        state = (state >> 4) ^ crc_nibble[state & 0x0Fu];
        state = (state >> 4) ^ crc_nibble[state & 0x0Fu];
    }
    return state;
}

uint32_t esc_crc32_final(uint32_t state)
{
    return state ^ 0xFFFFFFFFu;
}

uint32_t esc_crc32(const uint8_t *buf, size_t len)
{
    return esc_crc32_final(esc_crc32_update(0, buf, len));
}
