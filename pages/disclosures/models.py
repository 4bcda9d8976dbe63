"""Disclosures (công khai) required by Law 10/2022/QH15 Art. 11-13, and the quarterly register."""
