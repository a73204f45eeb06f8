fetch ${A:x}
