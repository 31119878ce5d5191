/*
 * An application written for the original esp_secure_cert_mgr component,
 * built unchanged on Linux against the host library:
 *
 *   cc main.c $(pkg-config --cflags --libs esp-secure-cert) -o app
 *   ESP_SECURE_CERT_FLASH=partition.bin ./app
 */
#include <inttypes.h>
#include <stdio.h>

#include "esp_err.h"
#include "esp_log.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"

static const char *TAG = "app";

int main(void)
{
    char *cert = NULL;
    uint32_t len = 0;
    esp_err_t err = esp_secure_cert_get_device_cert(&cert, &len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "no device certificate: %s", esp_err_to_name(err));
        return 1;
    }
    printf("device_cert_len=%" PRIu32 "\n", len);
    esp_secure_cert_free_device_cert(cert);

    esp_secure_cert_key_type_t type;
    if (esp_secure_cert_get_priv_key_type(&type) == ESP_OK) {
        printf("priv_key_type=%d\n", (int)type);
    }
    esp_secure_cert_tlv_iterator_t it = {0};
    int entries = 0;
    while (esp_secure_cert_iterate_to_next_tlv(&it) == ESP_OK) {
        entries++;
    }
    printf("entries=%d\n", entries);
    printf("integrity=%s\n", esp_err_to_name(esp_secure_cert_verify_partition_integrity()));
    return 0;
}
