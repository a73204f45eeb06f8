fetch a \
  b \
  c
# comment

enrich # trailing
