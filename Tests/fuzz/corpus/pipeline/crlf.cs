fetch a
sink
