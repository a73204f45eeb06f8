fetch ${FEEDS}
filter --sev ${SEV:-low} ${UNSET:-x y}
sink ${OUT}
