sink ${MISSING:?set MISSING}
