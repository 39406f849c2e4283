run "x" {
  command = plan
}
run "x" {
}
