/*
 * Shared by the parts of image generation (not used outside tools/gen_*.c):
 *   gen_core.c   validation, layout, the build itself
 *   gen_input.c  reading each entry's input (files, inline values, keys, certs)
 *   gen_ds.c     DS_DATA/DS_CONTEXT/SEC_CFG for DS and ECDSA-peripheral keys
 *   gen_hmac.c   HMAC_UP-protected entries (hmac_encrypted, hmac_derived_ecdsa)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "gen_core.h"
#include "gen_efuse.h"
#include "key_input.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GEN_SEC_CFG_LEN 40
#define GEN_EFUSE_BLOCK_KEY0 4 /* SEC_CFG names eFuse blocks, KEY0 = block 4 */

/* Per entry: the bytes to store and what was learned loading them. */
typedef struct {
    uint8_t *data;
    size_t len;
    uint8_t flags;
    bool store;          /* written where it stands (false: an rsa_ds key, which
                            becomes DS_DATA, or a salt that a derived key uses) */
    bool encrypt;        /* hmac_encrypted: through the HMAC encryption writer */
    bool derived;        /* hmac_derived_ecdsa PRIV_KEY row */
    bool have_key;       /* `key` was loaded (a derived row may give none) */
    ki_key_t key;        /* PRIV_KEY entries */
    char source[GEN_WHERE_LEN]; /* resolved path, or "" for inline data */
    /* Derived rows: the salt row of the same subtype (-1: salt drawn) and the
     * salt (into that row's data, or `salt_owned`). Salt rows used by a
     * derived key: that key's row, else -1. */
    int salt_row;
    int derived_row;
    const uint8_t *salt;
    size_t salt_len;
    uint8_t *salt_owned;
} gen_prepared_t;

/* Load an entry's input into p (certificates and keys parsed and stored as
 * the reference tool stores them). 0, or -1 with a message naming the input. */
int gen_prepare_entry(const gen_entry_t *e, const gen_options_t *opt, gen_prepared_t *p, char *err, size_t err_len);
void gen_free_prepared(gen_prepared_t *p, size_t n);

/* A relative path: the current directory first (as the original does), then
 * the CSV's folder. */
int gen_resolve_path(const gen_entry_t *e, const char *path, char *out, size_t cap, char *err, size_t err_len);

/* A 32-byte eFuse key file named by entry e (efuse_key column or a flag).
 * path_out receives the resolved path. */
int gen_read_key32(const gen_entry_t *e, const char *file, uint8_t key[32], char *path_out, size_t path_cap,
                   char *err, size_t err_len);

/* Result bookkeeping. gen_add_side returns the new index or -1. */
int gen_add_side(gen_result_t *res, const char *name, const uint8_t *data, size_t len, bool is_public, char *err,
                 size_t err_len);
int gen_add_burn(gen_result_t *res, int efuse_id, const char *purpose, int side_index, const char *key_file,
                 bool present);
/* "stem.ext" for one file of a kind, "stem_<subtype>.ext" when there are several. */
void gen_side_name(char *buf, size_t cap, const char *stem, const char *ext, size_t count, uint8_t subtype);

/* Step 1 of the layout (gen_ds.c): DS_DATA + DS_CONTEXT per rsa_ds key and
 * SEC_CFG per ecdsa_peripheral key, in entry order, drawing the DS HMAC keys
 * and IVs; each key block is checked against fx (the --efuse state). */
int gen_emit_ds_entries(const gen_entries_t *list, gen_prepared_t *prep, const gen_options_t *opt,
                        const gen_efuse_t *fx, gen_result_t *res, uint8_t *img, size_t cap, size_t *end, char *err,
                        size_t err_len);

/* HMAC_UP-protected entries (gen_hmac.c). */
typedef struct {
    bool needed;              /* some row is hmac_encrypted or hmac_derived_ecdsa */
    int block;                /* eFuse key block of the HMAC_UP key */
    char block_from[GEN_WHERE_LEN]; /* what chose it, for messages */
    bool have_key;            /* key[] holds it (key file or drawn) */
    bool drawn;
    bool present;             /* the eFuse state (--efuse) already holds it */
    uint8_t key[32];
    char key_file[GEN_WHERE_LEN]; /* resolved path of a given key file */
    size_t n_derived;
} gen_hmac_t;

/* Which rows are protected, on which block and with which key; checks that
 * every such row agrees (one HMAC_UP key per chip). No draw. */
int gen_hmac_plan(const gen_entries_t *list, const gen_options_t *opt, gen_hmac_t *h, char *err, size_t err_len);
/* Settle the key against the emulated chip: use the eFuse's own HMAC_UP key,
 * or the given one, or draw one (rng), then burn it into the emulation; add
 * the key file and burn command. Then the salts (given rows or 32 drawn
 * bytes each) and, per derived key, its public key: checked against the
 * PRIV_KEY row's key file (warning) and the DEV_CERT of the same subtype
 * (error), and written as derived_pub_key.pem. */
int gen_hmac_setup(gen_hmac_t *h, const gen_entries_t *list, gen_prepared_t *prep, const gen_options_t *opt,
                   gen_efuse_t *fx, gen_result_t *res, char *err, size_t err_len);
void gen_hmac_free(gen_hmac_t *h);

#ifdef __cplusplus
}
#endif
