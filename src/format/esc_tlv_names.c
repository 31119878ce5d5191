/*
 * Printable TLV type names, for listings and diagnostics on the host (the
 * CLI, tests). The device build leaves this file out: firmware never prints
 * type names, and the table would cost flash for nothing.
 */
#include "esc_tlv.h"

const char *esc_tlv_type_name(uint8_t type)
{
    switch (type) {
    case 0: return "CA_CERT";
    case 1: return "DEV_CERT";
    case 2: return "PRIV_KEY";
    case 3: return "DS_DATA";
    case 4: return "DS_CONTEXT";
    case 5: return "HMAC_ECDSA_KEY_SALT";
    case 6: return "SEC_CFG";
    case 7: return "TEE_SEC_STORAGE_KEY";
    case 8: return "SIGNATURE_BLOCK";
    case 9: return "INTEGRITY";
    case 50: return "TLV_END";
    case 51: return "USER_DATA_1";
    case 52: return "USER_DATA_2";
    case 53: return "USER_DATA_3";
    case 54: return "USER_DATA_4";
    case 55: return "USER_DATA_5";
    case 201: return "MATTER_TLV_1";
    case 202: return "MATTER_TLV_2";
    case 254: return "TLV_MAX";
    case 255: return "TLV_INVALID";
    default: return NULL;
    }
}
