fetch 'a
