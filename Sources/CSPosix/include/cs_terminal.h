#ifndef CS_TERMINAL_H
#define CS_TERMINAL_H
// Terminal size needs ioctl(2), which is variadic and so cannot be called from Swift.

// Columns of the terminal on fd (TIOCGWINSZ), or 0 when fd is not a terminal or the size is unknown.
int cs_terminal_columns(int fd);
#endif
