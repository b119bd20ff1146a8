(component
  (import "foo" (func))
)