fetch 'a b' "c $SEV d" e\ f
normalize
