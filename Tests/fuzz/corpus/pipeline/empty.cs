

# nothing
