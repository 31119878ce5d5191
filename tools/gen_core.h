/*
 * Image generation, independent of how the request was given (flags or
 * CSV) and of where the results go (cmd_generate writes the files).
 *
 * The entry list mirrors the original tool's: CA (--ca-cert), DEV
 * (--device-cert), PRIV_KEY (--private-key), then the CSV rows. The image is
 * laid out as the reference tool does (tests/vectors/README.md):
 *   1. DS_DATA + DS_CONTEXT for each rsa_ds key and SEC_CFG for each
 *      ecdsa_peripheral key, in entry order;
 *   2. every other entry in order (an rsa_ds PRIV_KEY is not stored);
 *      an hmac_encrypted row is stored encrypted (flags | 0x80) where it
 *      stands; an hmac_derived_ecdsa key becomes its salt (type 5) and a
 *      PRIV_KEY marker (length 0, flags 0x40), written together at the
 *      earlier of the key row and its salt row;
 *   3. INTEGRITY (type 9, subtype 0) = SHA-256 of every byte before it
 *      (left out for an image that is about to be signed).
 * Every byte goes through the library's writers in buffer mode
 * (esp_secure_cert_append_tlv, _with_hmac_encryption and
 * _with_hmac_ecdsa_derivation with ESP_SECURE_CERT_WRITE_MODE_BUFFER); the
 * HMAC ones run against an emulated chip (gen_efuse.h).
 *
 * Random draws (rng), in this order:
 *   1. per rsa_ds entry in order, the DS HMAC key (32 bytes, only without an
 *      eFuse key file) then the DS IV (16 bytes);
 *   2. the HMAC_UP key (32 bytes) when some row is hmac_encrypted or
 *      hmac_derived_ecdsa and neither efuse_key / --efuse-key-file nor the
 *      --efuse state gives it;
 *   3. per hmac_derived_ecdsa row without a salt row of its subtype, in
 *      order, a 32-byte salt.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    GEN_DATA_FILE = 0,
    GEN_DATA_STRING,
    GEN_DATA_HEX,
    GEN_DATA_BASE64,
} gen_data_type_t;

typedef enum {
    GEN_PK_NONE = 0,          /* not a PRIV_KEY row, or priv_key_type empty */
    GEN_PK_PLAINTEXT,
    GEN_PK_RSA_DS,
    GEN_PK_ECDSA_PERIPHERAL,
    GEN_PK_HMAC_ENCRYPTED,    /* stored AES-GCM encrypted under the HMAC_UP key (any type) */
    GEN_PK_HMAC_DERIVED_ECDSA,/* PRIV_KEY only: salt + marker, the device derives the key */
    GEN_PK_INVALID,
} gen_pk_type_t;

#define GEN_WHERE_LEN 320

typedef struct {
    uint8_t type;
    uint8_t subtype;
    gen_data_type_t data_type;
    char *data_value;       /* path (GEN_DATA_FILE) or inline text; owned */
    gen_pk_type_t pk_type;
    char algorithm[16];     /* "RSA" / "ECDSA" / "" (upper case) */
    int key_size;           /* bits, 0 = not given */
    int efuse_id;           /* eFuse key block 0..5, -1 = not given */
    char *efuse_key_file;   /* HMAC key for rsa_ds / hmac_*, or NULL; owned */
    /* Where the entry came from, for messages: "--private-key" or
     * "config.csv:4" ; and where its data_value is ("config.csv:4:32"). */
    char where[GEN_WHERE_LEN];
    char where_value[GEN_WHERE_LEN];
    /* Directory for a second try at relative paths (the CSV's folder). */
    char *fallback_dir;     /* owned, may be NULL */
} gen_entry_t;

typedef struct {
    gen_entry_t *items;
    size_t n, cap;
} gen_entries_t;

/* Append a zeroed entry; NULL when out of memory. */
gen_entry_t *gen_entries_add(gen_entries_t *list);
void gen_entries_free(gen_entries_t *list);
/* 0 and the value, or -1 if the name is unknown. */
int gen_pk_type_from_name(const char *name, gen_pk_type_t *out);
const char *gen_pk_type_name(gen_pk_type_t t);

typedef struct {
    const char *target_chip;  /* esp32c3, ... */
    const char *password;     /* for encrypted private keys, may be NULL */
    esc_rng_t *rng;
    size_t max_image_size;    /* partition size limit (0 = 8 KiB) */
    /* Entries already at the start of the image (the reference tool's
     * second pass after signing keeps its signature entries there). */
    const uint8_t *prefix;
    size_t prefix_len;
    bool no_integrity;        /* leave out the INTEGRITY entry (input to signing) */
    /* The chip's eFuse state (--efuse FILE, docs/efuse-file.md) or NULL: every
     * key block the image needs is checked against it, and an HMAC_UP key
     * already there is used for the hmac_* rows. Never written. */
    const char *efuse_path;
    /* Defaults for hmac_* rows without efuse_key / efuse_id (--efuse-key-file,
     * --efuse-key-id). */
    const char *hmac_key_file;
    bool hmac_efuse_id_set;
    int hmac_efuse_id;
} gen_options_t;

/* A file besides the image (hmac_key.bin, ecdsa_key.bin, derived_pub_key.pem). */
typedef struct {
    char name[64];            /* file name, placed in the key directory */
    uint8_t *data;            /* secret unless is_public: wiped on free */
    size_t len;
    bool is_public;           /* a public key (derived_pub_key.pem) */
} gen_side_file_t;

#define GEN_MAX_SIDE_FILES 16
#define GEN_MAX_BURNS 16

/* A key that must be burned into an eFuse block for the image to work. */
typedef struct {
    int efuse_id;             /* BLOCK_KEY<n> */
    const char *purpose;      /* espefuse purpose name */
    int side_index;           /* index into side[] of the key file, or -1 */
    char key_file[GEN_WHERE_LEN]; /* the user's key file when side_index < 0 ("" if none) */
    bool present;             /* the --efuse state already holds it: nothing to burn */
} gen_burn_t;

typedef struct {
    uint8_t *image;
    size_t image_len;
    gen_side_file_t side[GEN_MAX_SIDE_FILES];
    size_t n_side;
    gen_burn_t burns[GEN_MAX_BURNS];
    size_t n_burns;
} gen_result_t;

/*
 * Validate the request and build the image. 0 on success; -1 with a message
 * in err (naming the entry and, for CSV rows, file:line:column) on bad
 * input or failure. Warnings go to stderr as they arise.
 */
int gen_build(const gen_entries_t *entries, const gen_options_t *opt, gen_result_t *res, char *err,
              size_t err_len);
void gen_result_free(gen_result_t *res);

/* The chips the original tool accepts for --target_chip. */
bool gen_chip_known(const char *chip);
const char *gen_chip_list(void);

#ifdef __cplusplus
}
#endif
