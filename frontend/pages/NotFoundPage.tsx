import { Button, Flex, Heading, Text } from '@radix-ui/themes';
import { Link } from 'wouter';

export default function NotFoundPage() {
  return (
    <Flex direction="column" gap="3" align="start">
      <Heading as="h1" size="6">Page not found</Heading>
      <Text color="gray">There is no page at this address.</Text>
      <Button asChild variant="soft"><Link href="/">Back to the databases</Link></Button>
    </Flex>
  );
}
