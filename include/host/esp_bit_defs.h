/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_bit_defs.h (single-bit masks).
 */
#pragma once

#define BIT31 0x80000000u
#define BIT30 0x40000000u
#define BIT29 0x20000000u
#define BIT28 0x10000000u
#define BIT27 0x08000000u
#define BIT26 0x04000000u
#define BIT25 0x02000000u
#define BIT24 0x01000000u
#define BIT23 0x00800000u
#define BIT22 0x00400000u
#define BIT21 0x00200000u
#define BIT20 0x00100000u
#define BIT19 0x00080000u
#define BIT18 0x00040000u
#define BIT17 0x00020000u
#define BIT16 0x00010000u
#define BIT15 0x00008000u
#define BIT14 0x00004000u
#define BIT13 0x00002000u
#define BIT12 0x00001000u
#define BIT11 0x00000800u
#define BIT10 0x00000400u
#define BIT9  0x00000200u
#define BIT8  0x00000100u
#define BIT7  0x00000080u
#define BIT6  0x00000040u
#define BIT5  0x00000020u
#define BIT4  0x00000010u
#define BIT3  0x00000008u
#define BIT2  0x00000004u
#define BIT1  0x00000002u
#define BIT0  0x00000001u

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif
