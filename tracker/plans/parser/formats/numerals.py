"""List numbers as Word and Excel show them: 一、二十一、（一）、①、１、甲…"""
from __future__ import annotations

DIGITS = "〇一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def chinese(number: int, digits: str = DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (below ten thousand, as lists go)."""
    if number <= 0 or number >= 10000:
        return str(number)
    pieces, zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = number // power % 10
        if digit:
            if zero and pieces:
                pieces.append(digits[0])
            pieces.append(digits[digit] + unit)
            zero = False
        else:
            zero = bool(pieces)
    text = "".join(pieces)
    return text[1:] if 10 <= number < 20 and digits is DIGITS else text


def _letters(number: int) -> str:
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _roman(number: int) -> str:
    text = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        text += letters * count
    return text


def format_number(number: int, style: str) -> str:
    if style in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return chinese(number)
    if style in ("chineseLegalSimplified", "japaneseLegal", "taiwaneseCountingThousand"):
        return chinese(number, FINANCIAL, "拾佰仟")
    if style == "ideographDigital" or style == "taiwaneseDigital":
        return "".join(DIGITS[int(digit)] for digit in str(number))
    if style == "ideographTraditional" and 1 <= number <= 10:
        return STEMS[number - 1]
    if style == "ideographZodiac" and 1 <= number <= 12:
        return BRANCHES[number - 1]
    if style in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= number <= 20:
        return chr(ord("①") + number - 1)
    if style == "decimalEnclosedParen" and 1 <= number <= 20:
        return chr(ord("⑴") + number - 1)
    if style == "decimalEnclosedFullstop" and 1 <= number <= 20:
        return chr(ord("⒈") + number - 1)
    if style == "decimalFullWidth" or style == "decimalFullWidth2":
        return "".join(chr(ord("０") + int(digit)) for digit in str(number))
    if style == "decimalZero":
        return f"{number:02d}"
    if style in ("upperLetter", "lowerLetter"):
        letters = _letters(number)
        return letters if style == "upperLetter" else letters.lower()
    if style in ("upperRoman", "lowerRoman") and 0 < number < 4000:
        roman = _roman(number)
        return roman if style == "upperRoman" else roman.lower()
    return str(number)
