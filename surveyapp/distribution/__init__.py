"""Distribution: the beneficiary roster, a fair sample, personal codes, and who has answered."""
