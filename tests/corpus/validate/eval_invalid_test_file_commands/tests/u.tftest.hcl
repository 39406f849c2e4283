run "b" {
  command = apply
}
run "c" {
  command = foo.bar
}
